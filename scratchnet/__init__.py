"""scratchnet: a small neural network written from scratch in NumPy, for learning.

>>> import scratchnet as sn
>>> X, y = sn.spiral_data(samples=100, classes=3, seed=0)
>>> net = sn.mlp([2, 64, 3], activation="relu", init="he", seed=0)
>>> history = sn.train(net, X, y, sn.Adam(lr=0.05, decay=5e-7), epochs=200)
>>> history.status
'completed'
"""

from .activations import ACTIVATIONS, Activation, LeakyReLU, Linear, ReLU, Sigmoid, Tanh
from .choices import ACTIVATION_CHOICES, OPTIMIZER_CHOICES, ActivationChoice, OptimizerChoice
from .datasets import (
    DATASETS,
    blobs_data,
    circles_data,
    make_dataset,
    moons_data,
    spiral_data,
    train_test_split,
    xor_data,
)
from .features import DEFAULT_FEATURES, FEATURE_LABELS, FEATURES, check_feature_names, expand_features
from .gradcheck import gradient_check, gradient_check_report, numerical_gradient, relative_error
from .history import History, Snapshot
from .layers import INITS, Dense, Layer
from .losses import (
    accuracy,
    cross_entropy,
    cross_entropy_backward,
    loss_and_gradient,
    one_hot,
    softmax,
    softmax_backward,
    softmax_cross_entropy,
)
from .network import Network, mlp
from .notebook import NotebookGD, NotebookReLU, notebook_network, notebook_optimizer
from .optimizers import OPTIMIZERS, SGD, Adagrad, Adam, Optimizer, RMSprop
from .persistence import load, save
from .training import evaluate, train

__version__ = "0.1.0"

__all__ = [
    "ACTIVATIONS",
    "ACTIVATION_CHOICES",
    "DATASETS",
    "DEFAULT_FEATURES",
    "FEATURES",
    "FEATURE_LABELS",
    "INITS",
    "OPTIMIZERS",
    "OPTIMIZER_CHOICES",
    "SGD",
    "Activation",
    "ActivationChoice",
    "Adagrad",
    "Adam",
    "Dense",
    "History",
    "Layer",
    "LeakyReLU",
    "Linear",
    "Network",
    "NotebookGD",
    "NotebookReLU",
    "Optimizer",
    "OptimizerChoice",
    "RMSprop",
    "ReLU",
    "Sigmoid",
    "Snapshot",
    "Tanh",
    "accuracy",
    "blobs_data",
    "check_feature_names",
    "circles_data",
    "cross_entropy",
    "cross_entropy_backward",
    "evaluate",
    "expand_features",
    "gradient_check",
    "gradient_check_report",
    "load",
    "loss_and_gradient",
    "make_dataset",
    "mlp",
    "moons_data",
    "notebook_network",
    "notebook_optimizer",
    "numerical_gradient",
    "one_hot",
    "relative_error",
    "save",
    "softmax",
    "softmax_backward",
    "softmax_cross_entropy",
    "spiral_data",
    "train",
    "train_test_split",
    "xor_data",
]
