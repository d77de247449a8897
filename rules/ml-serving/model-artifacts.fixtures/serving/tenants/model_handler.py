import pickle


def load_model(serialized_model):
    return pickle.loads(serialized_model)
