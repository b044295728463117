"""A classifier, the way a PyTorch course writes one: a Dataset, a DataLoader, a model that
moves to the device, CrossEntropyLoss, SGD with momentum and a learning-rate schedule, an
evaluation under no_grad, and the weights saved and loaded back.
"""

import os
import tempfile

import numpy as np

# isort: split
import autograd
import nn
import nn.functional as F
import optim
from nn.data import DataLoader, Dataset

autograd.pytorch_meanings(True)  # backproplab port: x.std(), x.max(1), x.repeat() as in PyTorch

device = "cuda" if autograd.cuda.is_available() else "cpu"
print(f"using {device}")


class Blobs(Dataset):
    """Points in the plane around three centres; the label is the centre's number."""

    centres = np.array([[0.0, 2.0], [-2.0, -1.0], [2.0, -1.0]])

    def __init__(self, n_per_class, seed):
        rng = np.random.default_rng(seed)
        points = np.concatenate([c + rng.normal(size=(n_per_class, 2)) for c in self.centres])
        labels = np.repeat(np.arange(len(self.centres)), n_per_class)
        order = rng.permutation(len(labels))  # mixed classes, so batches need no shuffling
        self.x = autograd.tensor(points[order], dtype=autograd.float32)
        self.y = autograd.tensor(labels[order], dtype=autograd.long)  # class indices

    def __len__(self):
        return len(self.y)

    def __getitem__(self, i):
        return self.x[i], self.y[i]


train_set = Blobs(100, seed=6)
test_set = Blobs(50, seed=7)
# shuffle=True would draw the batch order from each library's own generator, so the two copies
# of this program would see different batches; the data are already in random order.
train_loader = DataLoader(train_set, batch_size=30, shuffle=False)


def make_model():
    return nn.Sequential(
        nn.Linear(2, 16),
        nn.ReLU(),
        nn.Linear(16, 3),
    ).to(device)


autograd.manual_seed(0)
model = make_model()
rng = np.random.default_rng(8)
with autograd.no_grad():  # starting weights from NumPy, so that every run starts the same
    for p in model.parameters():
        p.copy_(autograd.from_numpy(rng.normal(0, 0.5, size=tuple(p.shape)).astype(np.float32)))

loss_fn = nn.CrossEntropyLoss()
optimizer = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
scheduler = optim.lr_scheduler.StepLR(optimizer, step_size=4, gamma=0.5)

for epoch in range(12):
    model.train()
    total = 0.0
    for xb, yb in train_loader:
        xb, yb = xb.to(device), yb.to(device)
        loss = loss_fn(model(xb), yb)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total += loss.item() * xb.size(0)
    train_loss = total / len(train_loader.dataset)
    print(f"epoch {epoch:2d}  lr {scheduler.get_last_lr()[0]:.4f}  train loss {train_loss:.4f}")
    scheduler.step()

model.eval()
with autograd.no_grad():
    logits = model(test_set.x.to(device))
    test_loss = F.cross_entropy(logits, test_set.y).item()
    probs = F.softmax(logits, dim=1)
    # dim= by name: backproplab reads the positional torch.max(logits, 1) as NumPy does
    # (the maxima only, no indices), while PyTorch returns (values, indices) either way.
    _, predicted = autograd.max(logits, dim=1)
    accuracy = (predicted == test_set.y).float().mean().item()
print(f"test loss {test_loss:.4f}  test accuracy {accuracy:.3f}")
assert accuracy > 0.9
print("first three test points, class probabilities:")
print(np.round(probs[:3].numpy(), 3))

# Save the weights, load them into a fresh model, and check that it predicts the same.
with tempfile.TemporaryDirectory() as folder:
    path = os.path.join(folder, "blobs_classifier.pt")
    autograd.save(model.state_dict(), path)
    restored = make_model()
    restored.load_state_dict(autograd.load(path))
restored.eval()
with autograd.no_grad():
    assert (restored(test_set.x) == logits).all().item()

final_loss = train_loss
print(f"final loss {final_loss:.6f}")
assert final_loss < 0.15, "the loss should have come down further"
