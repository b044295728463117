"""Linear regression from scratch in the style of d2l.ai: a data iterator over minibatches, the
model and squared loss as plain functions, and minibatch SGD that updates each parameter under
torch.no_grad() and then zeroes its gradient with param.grad.zero_().
"""

import numpy as np

# isort: split
import autograd

autograd.pytorch_meanings(True)  # backproplab port: x.std(), x.max(1), x.repeat() as in PyTorch

rng = np.random.default_rng(0)
true_w = autograd.tensor([2, -3.4])
true_b = 4.2
features = autograd.tensor(rng.normal(size=(1000, 2)), dtype=autograd.float32)
noise = autograd.tensor(rng.normal(0, 0.01, size=1000), dtype=autograd.float32)
labels = (autograd.matmul(features, true_w) + true_b + noise).reshape((-1, 1))
print("features:", features[0], "\nlabel:", labels[0])
print(f"feature std {features.std().item():.4f}")  # torch's std: the unbiased estimate

order = rng.permutation(len(features))  # one fixed order, so both libraries see the same batches


def data_iter(batch_size, features, labels):
    num_examples = len(features)
    for i in range(0, num_examples, batch_size):
        batch_indices = autograd.tensor(order[i : min(i + batch_size, num_examples)])
        yield features[batch_indices], labels[batch_indices]


def linreg(X, w, b):
    return autograd.matmul(X, w) + b


def squared_loss(y_hat, y):
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2


def sgd(params, lr, batch_size):
    with autograd.no_grad():
        for param in params:
            param -= lr * param.grad / batch_size
            param.grad.zero_()


w = autograd.tensor(rng.normal(0, 0.01, size=(2, 1)), dtype=autograd.float32, requires_grad=True)
b = autograd.zeros(1, requires_grad=True)
lr, num_epochs, batch_size = 0.03, 3, 10
net, loss = linreg, squared_loss
for epoch in range(num_epochs):
    for X, y in data_iter(batch_size, features, labels):
        l = loss(net(X, w, b), y)  # noqa: E741 - d2l's name
        l.sum().backward()
        sgd([w, b], lr, batch_size)
    with autograd.no_grad():
        train_l = loss(net(features, w, b), labels)
        print(f"epoch {epoch + 1}, loss {float(train_l.mean()):f}")

print(f"error in estimating w: {true_w - w.reshape(true_w.shape)}")
final_loss = float(train_l.mean())
print(f"final loss {final_loss:.6f}")
assert final_loss < 0.01, "the loss should have come down further"
