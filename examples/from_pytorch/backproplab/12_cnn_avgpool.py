"""A small convolutional classifier with average pooling: Conv2d, ReLU, AvgPool2d, a second
convolution, AdaptiveAvgPool2d to one value per channel, and a linear head, trained with SGD and
momentum on 8x8 images of bars (horizontal, vertical or diagonal)."""

import numpy as np

# isort: split
import autograd
import nn
import nn.functional as F
import optim

autograd.pytorch_meanings(True)  # backproplab port: x.std(), x.max(1), x.repeat() as in PyTorch


def bars(rng, n):
    images = rng.normal(0, 0.3, size=(n, 1, 8, 8))
    labels = rng.integers(0, 3, size=n)
    for img, label in zip(images, labels):
        k = rng.integers(1, 7)
        if label == 0:
            img[0, k, :] += 1.0
        elif label == 1:
            img[0, :, k] += 1.0
        else:
            img[0] += np.eye(8)
    return images, labels


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 3, padding=1)
        self.pool = nn.AvgPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 8, 3)
        self.gap = nn.AdaptiveAvgPool2d((1, 1))
        self.fc = nn.Linear(8, 3)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.gap(F.relu(self.conv2(x)))
        return self.fc(autograd.flatten(x, 1))


rng = np.random.default_rng(3)
images, labels = bars(rng, 96)
x = autograd.tensor(images, dtype=autograd.float32)
y = autograd.tensor(labels)
net = Net()
with autograd.no_grad():
    for name, p in net.named_parameters():
        fan_in = p[0].numel() if p.dim() > 1 else 1
        p.copy_(autograd.tensor(rng.normal(0, 1 / np.sqrt(fan_in), size=tuple(p.shape))))

criterion = nn.CrossEntropyLoss()
optimizer = optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
for epoch in range(15):
    for i in range(0, 96, 32):
        inputs, targets = x[i : i + 32], y[i : i + 32]
        optimizer.zero_grad()
        loss = criterion(net(inputs), targets)
        loss.backward()
        optimizer.step()
    if epoch % 5 == 0:
        print(f"epoch {epoch:2d}  loss {loss.item():.4f}")

with autograd.no_grad():
    outputs = net(x)
    final_loss = criterion(outputs, y).item()
    _, predicted = autograd.max(outputs, 1)
    accuracy = (predicted == y).sum().item() / y.size(0)
print(f"accuracy {accuracy:.3f}")
print(f"final loss {final_loss:.6f}")
assert final_loss < 0.9, "the loss should have come down further"
