"""A tiny, randomly initialised Qwen2 with a locally trained byte-level BPE tokenizer.

Tests and the `tiny` training preset run the real loading, splicing, training and serving code
against it in seconds. Sizes respect what the engines need on CPU: vLLM's CPU attention wants a
head size of at least 32, and a WordLevel tokenizer would be silently replaced, so the tokenizer
is a real byte-level BPE wrapped in `Qwen2Tokenizer` with the ChatML template.
"""

from __future__ import annotations

import json
from pathlib import Path

from encoders.paths import folder_written_atomically, home

CHATML = (
    "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}"
    "{{ '<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n' }}{% endif %}"
    "{{ '<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n' }}"
    "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
)
SPECIAL = ["<|endoftext|>", "<|im_start|>", "<|im_end|>"]
_FORMAT = 3  # bump when the construction changes, so cached tiny models are rebuilt


def _corpus() -> list[str]:
    """Words the prompts and targets use, so the tiny vocabulary covers them in few tokens."""
    words = (
        "Reasoning: Answer: Confidence: happy surprise neutral sad disgust fear anger cannot tell "
        "the recording shows frontal alpha asymmetry favours left right hemisphere theta beta gamma "
        "delta power elevated reduced quality good fair poor usable seconds bad channels evidence "
        "valence arousal high low positive negative mixed which recording compare rank scenario "
        "patient note findings limitations follow-up draft clinician review EEG question system "
        "user assistant You are an assistant that reasons about emotion from measured EEG features. "
        "0 1 2 3 4 5 6 7 8 9 . , : ; ( ) - + % µV Hz"
    )
    return [words] * 20 + [" ".join(str(i) for i in range(100))] * 5


def build_tiny_qwen2(target: Path, seed: int = 0, vocab_size: int = 384, hidden_size: int = 128,
                     layers: int = 2) -> Path:
    import torch
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast, Qwen2Config, Qwen2ForCausalLM

    raw = Tokenizer(models.BPE())
    raw.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    raw.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=SPECIAL,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    raw.train_from_iterator(_corpus(), trainer)
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=raw, eos_token="<|im_end|>", pad_token="<|endoftext|>", unk_token="<|endoftext|>",
        additional_special_tokens=["<|im_start|>"],
    )
    tokenizer.chat_template = CHATML
    torch.manual_seed(seed)
    config = Qwen2Config(
        vocab_size=raw.get_vocab_size(), hidden_size=hidden_size, intermediate_size=2 * hidden_size,
        num_hidden_layers=layers, num_attention_heads=2, num_key_value_heads=1, head_dim=hidden_size // 2,
        max_position_embeddings=4096, tie_word_embeddings=True,
        eos_token_id=tokenizer.convert_tokens_to_ids("<|im_end|>"),
        pad_token_id=tokenizer.convert_tokens_to_ids("<|endoftext|>"),
        bos_token_id=None,
        # Wide initial weights give peaked, varied next-token distributions, so greedy decoding
        # produces diverse tokens without near-ties: parity tests then compare something real.
        initializer_range=0.5,
    )
    model = Qwen2ForCausalLM(config).eval()
    with folder_written_atomically(target) as tmp:
        model.save_pretrained(tmp)
        tokenizer.save_pretrained(tmp)
        (tmp / "eegreason-tiny.json").write_text(json.dumps({"seed": seed, "format": _FORMAT}))
    return target


def tiny_qwen2_path(seed: int = 0) -> Path:
    target = home() / "llm" / f"tiny-qwen2-seed{seed}"
    marker = target / "eegreason-tiny.json"
    if marker.exists() and json.loads(marker.read_text()) == {"seed": seed, "format": _FORMAT}:
        return target
    return build_tiny_qwen2(target, seed)
