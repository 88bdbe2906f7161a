"""hashicorp/google resource types we use, as typed models for tierform.constructs.tfgeneric
(the prebuilt binding is as heavy to import as AWS's). Only the attributes we set."""
