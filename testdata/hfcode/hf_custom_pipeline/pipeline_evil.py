class EvilPipeline:
    pass
