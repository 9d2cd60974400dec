"""Tools for the people who write docgen's inputs and templates: schemas, skeletons, linting."""
