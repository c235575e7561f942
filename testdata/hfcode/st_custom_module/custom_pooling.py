class EvilPooling:
    pass
