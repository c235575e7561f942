import torch


class EvilForCausalLM(torch.nn.Module):
    pass
