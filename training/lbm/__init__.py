"""LBM Studio training package: models, light maps, the reference sampler and bundle export."""
