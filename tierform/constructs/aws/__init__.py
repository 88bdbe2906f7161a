"""hashicorp/aws resource types we use, as typed models for tierform.constructs.tfgeneric
(no prebuilt binding: it costs ~39 s and ~1.7 GB to import). Only the attributes we set."""
