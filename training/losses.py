"""Training objectives."""

from __future__ import annotations

import torch
import torch.nn.functional as F


def supervised_contrastive(embeddings: torch.Tensor, labels: torch.Tensor, temperature: float = 0.1) -> torch.Tensor:
    """Supervised contrastive loss (Khosla et al. 2020, L_out): pull together crops of the same
    emotion, push apart the rest. Anchors without a positive in the batch are skipped."""
    z = F.normalize(embeddings, dim=-1)
    logits = z @ z.T / temperature
    n = z.shape[0]
    self_mask = torch.eye(n, dtype=torch.bool, device=z.device)
    logits = logits.masked_fill(self_mask, float("-inf"))
    log_prob = logits - torch.logsumexp(logits, dim=1, keepdim=True)
    positives = (labels[:, None] == labels[None, :]) & ~self_mask
    counts = positives.sum(1)
    valid = counts > 0
    if not valid.any():
        return embeddings.sum() * 0.0
    mean_log_prob = torch.where(positives, log_prob, torch.zeros_like(log_prob)).sum(1)[valid] / counts[valid]
    return -mean_log_prob.mean()
