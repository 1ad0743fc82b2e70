"""Documents: content-addressed storage, upload checks, access, review requests and retention."""
