"""The shape of pytorch/examples' mnist/main.py on small random 14x14 "digits": a Net of two
Conv2d, max_pool2d, two Dropout and two Linear layers ending in ``F.log_softmax``, ``train`` and
``test`` functions taking ``args``, ``F.nll_loss(output, target, reduction='sum')``,
``output.argmax(dim=1, keepdim=True)`` and ``pred.eq(target.view_as(pred)).sum().item()``,
argparse options, ``use_accel`` scaffolding, Adadelta and ``StepLR(step_size=1, gamma)``."""

import argparse

import numpy as np

# isort: split
import autograd
import nn
import nn.functional as F
import optim
from optim.lr_scheduler import StepLR
from nn.data import TensorDataset

autograd.pytorch_meanings(True)  # backproplab port: x.std(), x.max(1), x.repeat() as in PyTorch


class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.conv1 = nn.Conv2d(1, 4, 3, 1)
        self.conv2 = nn.Conv2d(4, 8, 3, 1)
        self.dropout1 = nn.Dropout(0.25)
        self.dropout2 = nn.Dropout(0.5)
        self.fc1 = nn.Linear(200, 16)
        self.fc2 = nn.Linear(16, 10)

    def forward(self, x):
        x = self.conv1(x)
        x = F.relu(x)
        x = self.conv2(x)
        x = F.relu(x)
        x = F.max_pool2d(x, 2)
        x = self.dropout1(x)
        x = x.view(-1, 200)  # (main.py writes torch.flatten(x, 1))
        x = self.fc1(x)
        x = F.relu(x)
        x = self.dropout2(x)
        x = self.fc2(x)
        output = F.log_softmax(x, dim=1)
        return output


def train(args, model, device, train_loader, optimizer, epoch):
    model.train()
    for batch_idx, (data, target) in enumerate(train_loader):
        data, target = data.to(device), target.to(device)
        optimizer.zero_grad()
        output = model(data)
        loss = F.nll_loss(output, target)
        loss.backward()
        optimizer.step()
        if batch_idx % args.log_interval == 0:
            print(
                "Train Epoch: {} [{}/{} ({:.0f}%)]\tLoss: {:.6f}".format(
                    epoch,
                    batch_idx * len(data),
                    len(train_loader.dataset),
                    100.0 * batch_idx / len(train_loader),
                    loss.item(),
                )
            )
            if args.dry_run:
                break


def test(model, device, test_loader):
    model.eval()
    test_loss = 0
    correct = 0
    with autograd.no_grad():
        for data, target in test_loader:
            data, target = data.to(device), target.to(device)
            output = model(data)
            test_loss += F.nll_loss(output, target, reduction="sum").item()  # sum up batch loss
            pred = output.argmax(dim=1, keepdim=True)  # index of the max log-probability
            correct += pred.eq(target.view_as(pred)).sum().item()

    test_loss /= len(test_loader.dataset)
    print(
        "\nTest set: Average loss: {:.4f}, Accuracy: {}/{} ({:.0f}%)\n".format(
            test_loss, correct, len(test_loader.dataset), 100.0 * correct / len(test_loader.dataset)
        )
    )
    return test_loss


def digits(rng, n):
    """Ten fixed 14x14 patterns plus noise: class k is pattern k."""
    patterns = np.random.default_rng(42).normal(size=(10, 1, 14, 14))
    labels = rng.integers(0, 10, size=n)
    images = patterns[labels] + rng.normal(0, 0.5, size=(n, 1, 14, 14))
    return autograd.tensor(images, dtype=autograd.float32), autograd.tensor(labels)


def main():
    parser = argparse.ArgumentParser(description="PyTorch MNIST Example")
    parser.add_argument("--batch-size", type=int, default=32, metavar="N")
    parser.add_argument("--test-batch-size", type=int, default=100, metavar="N")
    parser.add_argument("--epochs", type=int, default=4, metavar="N")
    parser.add_argument("--lr", type=float, default=1.0, metavar="LR")
    parser.add_argument("--gamma", type=float, default=0.7, metavar="M")
    parser.add_argument("--no-accel", action="store_true")
    parser.add_argument("--dry-run", action="store_true")
    parser.add_argument("--seed", type=int, default=1, metavar="S")
    parser.add_argument("--log-interval", type=int, default=2, metavar="N")
    parser.add_argument("--save-model", action="store_true")
    args = parser.parse_args([])  # the defaults (main.py reads the command line)

    use_accel = not args.no_accel and autograd.accelerator.is_available()
    autograd.manual_seed(args.seed)
    if use_accel:
        device = autograd.accelerator.current_accelerator()
    else:
        device = autograd.device("cpu")

    train_kwargs = {"batch_size": args.batch_size}
    test_kwargs = {"batch_size": args.test_batch_size}
    if use_accel:
        accel_kwargs = {"num_workers": 1, "persistent_workers": True, "pin_memory": True}
        train_kwargs.update(accel_kwargs)
        test_kwargs.update(accel_kwargs)

    rng = np.random.default_rng(0)
    dataset1 = TensorDataset(*digits(rng, 128))
    dataset2 = TensorDataset(*digits(rng, 100))
    train_loader = nn.data.DataLoader(dataset1, **train_kwargs)
    test_loader = nn.data.DataLoader(dataset2, **test_kwargs)

    model = Net().to(device)
    with autograd.no_grad():  # starting weights from NumPy, the same in both libraries
        for p in model.parameters():
            fan_in = p[0].numel() if p.dim() > 1 else 1
            p.copy_(autograd.tensor(rng.normal(0, 1 / np.sqrt(fan_in), size=tuple(p.shape))))
    model.dropout1.p = model.dropout2.p = 0.0  # (each library draws its own dropout masks)
    optimizer = optim.Adadelta(model.parameters(), lr=args.lr)

    scheduler = StepLR(optimizer, step_size=1, gamma=args.gamma)
    for epoch in range(1, args.epochs + 1):
        train(args, model, device, train_loader, optimizer, epoch)
        loss = test(model, device, test_loader)
        scheduler.step()
    print("last lr", scheduler.get_last_lr())
    if args.save_model:
        autograd.save(model.state_dict(), "mnist_cnn.pt")
    return loss


if __name__ == "__main__":
    final_loss = main()
    print(f"final loss {final_loss:.6f}")
    assert final_loss < 2.0, "the loss should have come down from ln(10) = 2.30"
