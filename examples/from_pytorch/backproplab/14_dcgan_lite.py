"""A DCGAN as PyTorch's DCGAN tutorial writes it, shrunk to 16x16 images: a generator of
ConvTranspose2d + BatchNorm2d + ReLU(True) ending in Tanh, a discriminator of Conv2d +
LeakyReLU(0.2, inplace=True) ending in Sigmoid, ``weights_init`` applied with ``net.apply``,
BCELoss against ``torch.full((b,), real_label)`` labels refilled with ``label.fill_``, the
fake batch ``.detach()``-ed for the discriminator's step, and two Adam optimizers with
betas=(0.5, 0.999). The "real" images are smooth random blobs."""

import random

import numpy as np

# isort: split
import autograd
import nn
import nn.parallel
import optim
import nn.data

autograd.pytorch_meanings(True)  # backproplab port: x.std(), x.max(1), x.repeat() as in PyTorch

manualSeed = 999
random.seed(manualSeed)
autograd.manual_seed(manualSeed)
autograd.use_deterministic_algorithms(True)

nc, nz, ngf, ndf = 1, 8, 4, 4
ngpu = 0
lr = 0.0002
beta1 = 0.5
device = autograd.device("cuda:0" if (autograd.cuda.is_available() and ngpu > 0) else "cpu")


def weights_init(m):
    classname = m.__class__.__name__
    if classname.find("Conv") != -1:
        nn.init.normal_(m.weight.data, 0.0, 0.02)
    elif classname.find("BatchNorm") != -1:
        nn.init.normal_(m.weight.data, 1.0, 0.02)
        nn.init.constant_(m.bias.data, 0)


class Generator(nn.Module):
    def __init__(self, ngpu):
        super(Generator, self).__init__()
        self.ngpu = ngpu
        self.main = nn.Sequential(
            nn.ConvTranspose2d(nz, ngf * 4, 4, 1, 0, bias=False),  # 4x4
            nn.BatchNorm2d(ngf * 4),
            nn.ReLU(True),
            nn.ConvTranspose2d(ngf * 4, ngf * 2, 4, 2, 1, bias=False),  # 8x8
            nn.BatchNorm2d(ngf * 2),
            nn.ReLU(True),
            nn.ConvTranspose2d(ngf * 2, nc, 4, 2, 1, bias=False),  # 16x16
            nn.Tanh(),
        )

    def forward(self, input):
        return self.main(input)


class Discriminator(nn.Module):
    def __init__(self, ngpu):
        super(Discriminator, self).__init__()
        self.ngpu = ngpu
        self.main = nn.Sequential(
            nn.Conv2d(nc, ndf, 4, 2, 1, bias=False),  # 8x8
            nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(ndf, ndf * 2, 4, 2, 1, bias=False),  # 4x4
            nn.BatchNorm2d(ndf * 2),
            nn.LeakyReLU(0.2, inplace=True),
            nn.Conv2d(ndf * 2, 1, 4, 1, 0, bias=False),  # 1x1
            nn.Sigmoid(),
        )

    def forward(self, input):
        return self.main(input)


netG = Generator(ngpu).to(device)
if (device.type == "cuda") and (ngpu > 1):
    netG = nn.DataParallel(netG, list(range(ngpu)))
netG.apply(weights_init)
netD = Discriminator(ngpu).to(device)
netD.apply(weights_init)
print(netD)

# The same draws as weights_init, from NumPy, so that both libraries start from equal weights.
rng = np.random.default_rng(0)
with autograd.no_grad():
    for m in list(netG.modules()) + list(netD.modules()):
        if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)):
            m.weight.data.copy_(autograd.tensor(rng.normal(0, 0.02, size=tuple(m.weight.shape))))
        elif isinstance(m, nn.BatchNorm2d):
            m.weight.data.copy_(autograd.tensor(rng.normal(1, 0.02, size=tuple(m.weight.shape))))

u = np.linspace(-1, 1, 16)
centers = rng.uniform(-0.5, 0.5, size=(64, 2, 1, 1))
blobs = np.exp(-((u[:, None] - centers[:, :1]) ** 2 + (u - centers[:, 1:]) ** 2) / 0.1)
real = autograd.tensor(2 * blobs - 1, dtype=autograd.float32)  # (64, 1, 16, 16) in [-1, 1]
dataloader = nn.data.DataLoader(nn.data.TensorDataset(real), batch_size=16)

criterion = nn.BCELoss()
fixed_noise = autograd.tensor(rng.normal(size=(4, nz, 1, 1)), dtype=autograd.float32)
real_label = 1.0
fake_label = 0.0
optimizerD = optim.Adam(netD.parameters(), lr=lr, betas=(beta1, 0.999))
optimizerG = optim.Adam(netG.parameters(), lr=lr, betas=(beta1, 0.999))

G_losses = []
D_losses = []
num_epochs = 3
for epoch in range(num_epochs):
    for i, data in enumerate(dataloader, 0):
        # (1) Update D: maximize log(D(x)) + log(1 - D(G(z)))
        netD.zero_grad()
        real_cpu = data[0].to(device)
        b_size = real_cpu.size(0)
        label = autograd.full((b_size,), real_label, dtype=autograd.float, device=device)
        output = netD(real_cpu).view(-1)
        errD_real = criterion(output, label)
        errD_real.backward()
        D_x = output.mean().item()
        noise = autograd.tensor(rng.normal(size=(b_size, nz, 1, 1)), dtype=autograd.float32)
        fake = netG(noise)
        label.fill_(fake_label)
        output = netD(fake.detach()).view(-1)
        errD_fake = criterion(output, label)
        errD_fake.backward()
        D_G_z1 = output.mean().item()
        errD = errD_real + errD_fake
        optimizerD.step()
        # (2) Update G: maximize log(D(G(z)))
        netG.zero_grad()
        label.fill_(real_label)
        output = netD(fake).view(-1)
        errG = criterion(output, label)
        errG.backward()
        D_G_z2 = output.mean().item()
        optimizerG.step()
        G_losses.append(errG.item())
        D_losses.append(errD.item())
    print(
        "[%d/%d]\tLoss_D: %.4f\tLoss_G: %.4f\tD(x): %.4f\tD(G(z)): %.4f / %.4f"
        % (epoch, num_epochs, errD.item(), errG.item(), D_x, D_G_z1, D_G_z2)
    )

with autograd.no_grad():
    samples = netG(fixed_noise).detach().cpu()
print("samples", tuple(samples.shape))
final_loss = G_losses[-1] + D_losses[-1]
print(f"final loss {final_loss:.6f}")
assert 0 < final_loss < 3, "the two losses should stay finite and moderate"
