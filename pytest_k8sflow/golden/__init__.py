"""Golden update of scenario expectations (``pytest --k8sflow-update``).

* ``propose``: how an expectation that does not hold would be rewritten (only the values it
  names), or why it cannot be;
* ``record``: a first ``expect`` block for scenarios without one (``--k8sflow-update=new``);
* ``edit``: writes values in place in the YAML text, keeping everything else byte for byte;
* ``session``: gathers the payloads of a run (across xdist workers) and writes each file once.
"""
