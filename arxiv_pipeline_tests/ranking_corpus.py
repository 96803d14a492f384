# ruff: noqa: E501 - the phrase banks are prose, one sentence per line
"""A corpus for the ranking-quality benchmark: papers in several ML research topics, written from
hand-made phrase banks in the style of arXiv abstracts (a problem, a method, a setup, a result, a
claim), with vocabulary shared across topics so that keywords alone cannot tell them apart.

Synthetic on purpose: the build machines have no internet, and real abstracts would need a
licence check. Deterministic for a seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

# Every topic: title patterns, and sentences by role. {m} is a method name, {d} a dataset,
# {n} a number. Shared words ("large language model", "transformer", "inference") appear across
# topics as they do on arXiv.
TOPICS: dict[str, dict[str, list[str]]] = {
    "speculative decoding": {
        "title": [
            "{M}: Faster Speculative Decoding with Adaptive Draft Trees",
            "Lossless Acceleration of LLM Inference via Self-Speculative Drafting",
            "Draft Model Alignment for Speculative Sampling in Large Language Models",
            "How Many Tokens Should a Drafter Propose? Verification-Aware Speculation",
        ],
        "problem": [
            "Autoregressive decoding of large language models is memory-bound and slow, one token per forward pass.",
            "Speculative decoding accelerates inference by letting a small draft model propose tokens that the target model verifies in parallel.",
            "The speedup of speculative sampling depends on the acceptance rate of drafted tokens, which varies across prompts.",
        ],
        "method": [
            "We propose {M}, which grows a dynamic draft tree and prunes branches with low acceptance probability.",
            "{M} trains the drafter with distillation on the target model's own outputs to raise the token acceptance rate.",
            "We introduce a verification scheme that accepts several drafted tokens per step while keeping the output distribution unchanged.",
            "Our drafter reuses the early layers of the target transformer, so no separate draft model is needed.",
        ],
        "setup": [
            "We evaluate on {d} with models from 7B to 70B parameters under greedy and sampling decoding.",
            "Experiments measure wall-clock latency and tokens per second on a single GPU at batch size one.",
        ],
        "result": [
            "{M} achieves a {n}x speedup in decoding latency with identical outputs.",
            "The mean number of accepted tokens per verification step rises from 2.1 to {n}.",
        ],
    },
    "quantization": {
        "title": [
            "{M}: Outlier-Aware 4-bit Weight Quantization for Large Language Models",
            "Rotation Before Rounding: Low-Bit Quantization of Transformer Activations",
            "Calibration Data Matters for Post-Training Quantization of LLMs",
            "Mixed-Precision KV Cache Quantization for Long-Context Inference",
        ],
        "problem": [
            "Post-training quantization reduces the memory footprint of large language models but degrades accuracy at low bit widths.",
            "Activation outliers in a few channels make 4-bit and 3-bit quantization of transformers difficult.",
            "Quantizing the key-value cache is necessary for long-context inference but hurts retrieval of distant tokens.",
        ],
        "method": [
            "We propose {M}, which rotates weights with a learned orthogonal matrix before rounding to suppress outliers.",
            "{M} allocates bit widths per layer from a Hessian-based sensitivity estimate.",
            "We quantize weights to 4 bits with group-wise scales and keep outlier channels in higher precision.",
            "Our method calibrates the quantizer on a small set of samples and corrects the rounding error layer by layer.",
        ],
        "setup": [
            "We quantize models from 7B to 70B parameters and report perplexity on {d} and zero-shot accuracy.",
            "Experiments cover weight-only and weight-activation quantization with integer kernels.",
        ],
        "result": [
            "At 4 bits, {M} stays within {n} perplexity points of the full-precision model.",
            "Memory use drops by {n}x and throughput improves with our fused low-bit kernels.",
        ],
    },
    "agents": {
        "title": [
            "{M}: Tool-Using LLM Agents that Plan, Act and Reflect",
            "Benchmarking Web Agents on Long-Horizon Tasks",
            "Memory for Language Agents: What to Store and When to Forget",
            "Multi-Agent Collaboration with Large Language Models for Software Engineering",
        ],
        "problem": [
            "Large language model agents must plan over many steps, call tools and recover from errors.",
            "LLM-based agents fail on long-horizon web tasks because they lose track of their goals.",
            "Multi-agent systems of language models promise division of labor but often repeat each other's mistakes.",
        ],
        "method": [
            "We propose {M}, an agent framework that interleaves planning, tool calls and self-reflection.",
            "{M} gives the agent an episodic memory that stores past trajectories and retrieves them when a similar task appears.",
            "We let several LLM agents with different roles debate and vote before acting in the environment.",
            "Our agent learns when to ask for help from a reward model trained on human feedback.",
        ],
        "setup": [
            "We evaluate on {d}, a suite of interactive tasks in web, code and household environments.",
            "Agents are built on open and proprietary large language models with a common tool interface.",
        ],
        "result": [
            "{M} raises the task success rate by {n} points over ReAct-style agents.",
            "The agent completes {n}% of long-horizon tasks while using fewer tool calls.",
        ],
    },
    "diffusion models": {
        "title": [
            "{M}: Few-Step Sampling for Diffusion Models via Consistency Distillation",
            "Score-Based Generative Modeling with Learned Noise Schedules",
            "Guidance Without a Classifier: Revisiting Conditional Diffusion",
            "Diffusion Transformers Scale Predictably with Compute",
        ],
        "problem": [
            "Diffusion models generate high-quality images but need hundreds of denoising steps at sampling time.",
            "The noise schedule of a score-based diffusion model strongly affects sample quality and likelihood.",
            "Classifier-free guidance trades diversity for fidelity in conditional diffusion models.",
        ],
        "method": [
            "We propose {M}, which distills a pretrained diffusion model into a few-step consistency sampler.",
            "{M} learns the noise schedule jointly with the denoiser by minimizing the variance of the training objective.",
            "We derive an ODE solver for the probability flow that adapts its step size to the local curvature.",
            "Our diffusion transformer replaces the U-Net backbone with patches and adaptive layer norm.",
        ],
        "setup": [
            "We train on {d} at 256 and 512 resolution and report FID and precision-recall.",
            "Experiments compare samplers at matched numbers of function evaluations.",
        ],
        "result": [
            "With four sampling steps, {M} reaches an FID of {n} on {d}.",
            "Our sampler matches the quality of 250-step DDPM with {n}x fewer network evaluations.",
        ],
    },
    "graph neural networks": {
        "title": [
            "{M}: Expressive Message Passing Beyond the Weisfeiler-Leman Test",
            "Oversquashing in Graph Neural Networks: A Curvature View",
            "Graph Transformers for Molecular Property Prediction",
            "Scalable Node Classification on Billion-Edge Graphs",
        ],
        "problem": [
            "Message-passing graph neural networks are bounded in expressivity by the Weisfeiler-Leman test.",
            "Deep graph neural networks suffer from oversmoothing and oversquashing of long-range information.",
            "Node classification on large graphs requires sampling neighborhoods, which adds variance to training.",
        ],
        "method": [
            "We propose {M}, which adds subgraph features to message passing to distinguish non-isomorphic graphs.",
            "{M} rewires the graph along edges of negative curvature to relieve oversquashing.",
            "We combine a graph transformer with positional encodings from the Laplacian eigenvectors.",
            "Our sampler draws neighborhoods with importance weights that keep gradient estimates unbiased.",
        ],
        "setup": [
            "We evaluate on {d} for graph classification and on molecular benchmarks for regression.",
            "Experiments include node classification on citation and product graphs with millions of nodes.",
        ],
        "result": [
            "{M} improves accuracy by {n} points and distinguishes graphs that 1-WL cannot.",
            "Training is {n}x faster than full-batch message passing at equal accuracy.",
        ],
    },
    "reinforcement learning from human feedback": {
        "title": [
            "{M}: Direct Preference Optimization Without a Reference Model",
            "Reward Hacking in RLHF and How to Detect It",
            "Learning Reward Models from Noisy Human Preferences",
            "Online Preference Optimization for Aligning Large Language Models",
        ],
        "problem": [
            "Reinforcement learning from human feedback aligns large language models with human preferences but is unstable and costly.",
            "Reward models trained on pairwise preferences can be exploited by the policy, a failure known as reward hacking.",
            "Direct preference optimization avoids an explicit reward model but overfits to the preference dataset.",
        ],
        "method": [
            "We propose {M}, a preference optimization objective that regularizes the policy toward its own earlier iterates.",
            "{M} trains an ensemble of reward models and penalizes disagreement to prevent reward hacking.",
            "We collect preferences online from the current policy and update with a KL-constrained objective.",
            "Our method models annotator noise when fitting the Bradley-Terry reward model.",
        ],
        "setup": [
            "We align 7B and 13B language models on {d} and evaluate with human and LLM judges.",
            "Experiments compare against PPO and DPO on helpfulness and harmlessness benchmarks.",
        ],
        "result": [
            "{M} wins {n}% of pairwise comparisons against DPO.",
            "Reward hacking drops sharply and the win rate improves by {n} points.",
        ],
    },
    "continual learning": {
        "title": [
            "{M}: Replay-Free Continual Learning with Prompt Pools",
            "Catastrophic Forgetting in Fine-Tuned Language Models",
            "Stability and Plasticity in Class-Incremental Learning",
            "Continual Pretraining of Large Language Models on New Domains",
        ],
        "problem": [
            "Neural networks trained on a sequence of tasks forget earlier tasks, a problem known as catastrophic forgetting.",
            "Continual learning methods must balance stability on old tasks with plasticity for new ones.",
            "Fine-tuning a large language model on a new domain erodes its general abilities.",
        ],
        "method": [
            "We propose {M}, which learns a pool of prompts and selects task-specific prompts without storing old data.",
            "{M} regularizes the weights that matter for earlier tasks, estimated from the Fisher information.",
            "We replay a small buffer of past examples selected for their gradient diversity.",
            "Our method merges the weights of task-specific models to retain earlier skills.",
        ],
        "setup": [
            "We evaluate on split and class-incremental versions of {d} and on sequences of language tasks.",
            "Experiments report average accuracy and forgetting over ten tasks.",
        ],
        "result": [
            "{M} reduces forgetting by {n}% compared to experience replay.",
            "Average accuracy after the last task improves by {n} points.",
        ],
    },
    "retrieval-augmented generation": {
        "title": [
            "{M}: Retrieval-Augmented Generation with Self-Verified Citations",
            "When Does Retrieval Help Large Language Models Answer Questions?",
            "Dense Retrievers for Long Documents",
            "Corrective Retrieval for Factual Generation",
        ],
        "problem": [
            "Retrieval-augmented generation grounds large language models in documents but retrieved passages are often irrelevant.",
            "Language models hallucinate facts that are not supported by the retrieved evidence.",
            "Dense retrievers struggle with long documents and multi-hop questions.",
        ],
        "method": [
            "We propose {M}, which retrieves passages, generates an answer and checks each claim against its citation.",
            "{M} trains the retriever with feedback from the generator on which passages helped.",
            "We split long documents into propositions and index them with a dense retriever.",
            "Our method decides per query whether to retrieve, based on the model's uncertainty.",
        ],
        "setup": [
            "We evaluate on open-domain question answering with {d} and on long-form generation with citations.",
            "Experiments use a dense retriever over Wikipedia and several open large language models.",
        ],
        "result": [
            "{M} improves exact match by {n} points and citation precision by a wide margin.",
            "Hallucinated claims drop by {n}% while answer accuracy is unchanged.",
        ],
    },
}

# How a paper approaches its topic, whatever the topic: a reader's taste often cuts across topics
# ("I read everything about making models cheaper to run").
FLAVORS: dict[str, list[str]] = {
    "efficiency": [
        "The method reduces memory traffic and latency on commodity GPUs.",
        "We implement fused kernels and measure throughput and energy per token.",
        "Compute cost drops substantially at equal quality, which matters for deployment on edge devices.",
        "We profile the wall-clock time of every stage and remove the bottleneck.",
    ],
    "theory": [
        "We prove a convergence bound that holds under mild assumptions.",
        "Our analysis gives a tight sample complexity result and a matching lower bound.",
        "We characterize the fixed points of the dynamics and their stability.",
        "The theory explains several empirical observations reported earlier.",
    ],
    "empirical": [
        "We run a large-scale study with hundreds of training runs.",
        "We release a benchmark and a leaderboard with careful evaluation protocols.",
        "Our findings challenge common assumptions in the literature.",
        "We analyze failure cases qualitatively and quantitatively.",
    ],
}

GENERIC = [
    "Our code and models are publicly available.",
    "We release our implementation to support future research.",
    "The approach is simple to implement and adds little overhead.",
    "Ablations confirm that each component contributes to the gains.",
    "We also discuss limitations and directions for future work.",
    "Results hold across model sizes and random seeds.",
]
DATASETS = [
    "ImageNet",
    "C4",
    "WikiText-103",
    "GSM8K",
    "MMLU",
    "HotpotQA",
    "OGB",
    "CIFAR-100",
    "WebArena",
    "MT-Bench",
]
METHOD_NAMES = [
    "Aurora",
    "Beacon",
    "Cascade",
    "Delta",
    "Ember",
    "Falcon",
    "Glide",
    "Harbor",
    "Iris",
    "Juniper",
    "Kestrel",
    "Lumen",
    "Meridian",
    "Nova",
    "Orbit",
    "Prism",
    "Quill",
    "Ripple",
    "Summit",
    "Tango",
]


@dataclass(frozen=True)
class CorpusPaper:
    arxiv_id: str
    topic: str
    flavor: str
    title: str
    abstract: str


def _fill(text: str, rng: random.Random, method: str) -> str:
    return text.format(
        M=method, m=method, d=rng.choice(DATASETS), n=rng.choice(["1.8", "2.4", "3.1", "12", "17", "35"])
    )


def make_paper(arxiv_id: str, topic: str, rng: random.Random) -> CorpusPaper:
    bank = TOPICS[topic]
    flavor = rng.choice(list(FLAVORS))
    method = rng.choice(METHOD_NAMES) + rng.choice(["", "-2", "++", "Net", "LM"])
    sentences = [
        rng.choice(bank["problem"]),
        *rng.sample(bank["method"], 2),
        rng.choice(bank["setup"]),
        rng.choice(bank["result"]),
    ]
    if rng.random() < 0.7:
        # Papers borrow the words of neighbouring fields, as they do on arXiv.
        other = TOPICS[rng.choice([t for t in TOPICS if t != topic])]
        sentences.insert(rng.randint(1, len(sentences)), rng.choice(other["problem"] + other["method"]))
    for sentence in rng.sample(FLAVORS[flavor], rng.randint(1, 2)):
        sentences.insert(rng.randint(2, len(sentences)), sentence)
    sentences.append(rng.choice(GENERIC))
    return CorpusPaper(
        arxiv_id,
        topic,
        flavor,
        _fill(rng.choice(bank["title"]), rng, method),
        " ".join(_fill(s, rng, method) for s in sentences),
    )


def build_corpus(n: int, seed: int = 7) -> list[CorpusPaper]:
    """``n`` papers, topics drawn evenly, ids in announcement order."""
    rng = random.Random(seed)
    topics = list(TOPICS)
    return [make_paper(f"2611.{10000 + i:05d}", topics[i % len(topics)], rng) for i in range(n)]
