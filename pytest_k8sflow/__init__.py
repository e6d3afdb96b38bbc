"""pytest-k8sflow: Kubernetes scenarios on a simulated control plane."""
