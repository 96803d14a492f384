"""The invented papers behind the synthetic recordings (``arxiv_pipeline_tests/recordings/synthetic``).

Titles, names and abstracts are made up for this project; their *shape* follows real arXiv
announcements: LaTeX and unicode in titles, long author lists, cross-lists, replacements,
missing optional fields. ``build_sample_data.py`` turns them into RSS and API Atom files.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class SamplePaper:
    arxiv_id: str
    version: int
    title: str
    authors: list[str]
    primary: str
    categories: list[str]
    abstract: str
    published: str
    updated: str | None = None
    comment: str | None = None
    journal_ref: str | None = None
    doi: str | None = None
    affiliations: dict[str, str] = field(default_factory=dict)
    rights: str | None = "http://creativecommons.org/licenses/by/4.0/"  # the RSS item's dc:rights


_LONG_AUTHOR_LIST = [
    "Amara Okafor",
    "Bastian Vogel",
    "Chen Jiayi",
    "Dmitri Sokolov",
    "Elif Şahin",
    "Farah Haddad",
    "Giulia Ferraro",
    "Hiroshi Nakamura",
    "Ingrid Lindqvist",
    "Jonas Petraitis",
    "Kavya Raghunathan",
    "Léa Dubois",
    "Mateus Oliveira",
    "Nadia Benali",
    "Oskar Nowak",
    "Priya Venkatesan",
    "Quentin Marchand",
    "Rosa Jiménez",
    "Sipho Dlamini",
    "Tomasz Wiśniewski",
    "Uma Krishnan",
    "Viktor Horváth",
    "Wen Xiaoling",
    "Ximena Rojas",
    "Yusuf Demir",
    "Zhang Haoran",
    "Aino Virtanen",
    "Bongani Khumalo",
    "Catalina Muñoz",
    "Dang Van Long",
    "Emeka Nwosu",
    "Freya Sørensen",
]

DAY_1 = "2026-11-17"
DAY_2 = "2026-11-18"
HOLIDAY = "2026-11-27"

# fmt: off
DAY_1_PAPERS: list[SamplePaper] = [
    SamplePaper(
        "2611.10001", 1,
        "Speculative Decoding with Draft Trees for Low-Latency Large Language Model Inference",
        ["Mei Tanaka", "Rahul Iyer", "Sofia Lindgren"],
        "cs.CL", ["cs.CL", "cs.LG"],
        "Autoregressive decoding makes large language model inference slow because every token needs a full "
        "forward pass. Existing speculative decoding methods verify a single draft sequence and waste work when "
        "the draft diverges early. We propose DraftTree, a method that proposes a tree of candidate continuations "
        "and verifies all branches in one batched pass using a tree attention mask. On four LLM serving "
        "benchmarks DraftTree achieves a 2.7x speed-up over standard decoding and 1.4x over linear speculative "
        "decoding, with identical output distributions. These results suggest that tree-structured drafts are a "
        "practical default for latency-sensitive serving.",
        "2026-11-14T17:02:11Z", comment="14 pages, 6 figures",
    ),
    SamplePaper(
        "2611.10002", 1,
        r"$\alpha$-Divergence Policy Optimization for Offline Reinforcement Learning",
        ["Lukas Brenner", "Aisha Rahman"],
        "cs.LG", ["cs.LG", "cs.AI", "stat.ML"],
        r"Offline reinforcement learning must avoid actions that are poorly covered by the dataset. Policy "
        r"constraints based on the KL divergence are either too conservative or too permissive depending on the "
        r"data. We introduce a family of $\alpha$-divergence regularizers that interpolates between mode-seeking "
        r"and mass-covering behaviour, and derive a closed-form policy update for each $\alpha \in (0, 1]$. "
        r"Experiments on D4RL locomotion and AntMaze tasks show that a tuned $\alpha$ improves normalized return "
        r"by 9.3 points over the best KL baseline. The choice of divergence is thus an important and "
        r"under-explored design axis for offline RL.",
        "2026-11-13T09:45:00Z", comment="Accepted at the Offline RL Workshop",
    ),
    SamplePaper(
        "2611.10003", 1,
        "A Survey of Retrieval-Augmented Generation for Scientific Question Answering",
        ["Oliver Grant", "Nadia Benali", "Kenji Watanabe", "Priya Venkatesan"],
        "cs.CL", ["cs.CL", "cs.IR"],
        "Retrieval-augmented generation has become the standard way to ground large language models in "
        "scientific literature. This survey organizes more than 200 systems by retriever, reader and citation "
        "strategy. We find that most evaluations rely on short-form answers and rarely check citation accuracy. "
        "We conclude with open problems in evaluating long-form scientific answers.",
        "2026-11-15T11:20:37Z", comment="38 pages, survey",
    ),
    SamplePaper(
        "2611.10004", 1,
        "Gödel Agents: Self-Referential Improvement of Tool-Using LLM Agents",
        ["Zoë Ōkubo", "Henrik Aas", "Catalina Muñoz"],
        "cs.AI", ["cs.AI", "cs.CL"],
        "Tool-using agents built on LLMs are typically frozen after deployment. Allowing an agent to edit its "
        "own prompts and tools promises continual improvement, but naive self-modification quickly degrades "
        "behaviour. We present a self-referential agent that proposes edits to its own policy code and accepts "
        "them only after a verifier replays past episodes. Across web navigation and spreadsheet tasks the agent "
        "improves its success rate from 41% to 63% over ten rounds without human intervention. Our findings "
        "indicate that verified self-modification can be safe and useful in bounded domains.",
        "2026-11-16T02:13:55Z", comment="Code available",
    ),
    SamplePaper(
        "2611.10005", 1,
        r"Schr\"odinger Bridges Meet Flow Matching: Unpaired Image Translation in One Step",
        ["Élodie Marchetti", "Tobias Kranz"],
        "cs.LG", ["cs.LG", "cs.CV"],
        "Unpaired image-to-image translation with diffusion models requires many sampling steps. "
        "Schrödinger bridge formulations give an optimal transport view but are expensive to train. We develop "
        "a simulation-free bridge matching objective that distils the bridge into a one-step generator. The "
        "resulting model matches multi-step diffusion baselines in FID on three translation benchmarks while "
        "being 25 times faster at sampling. This opens the way to interactive unpaired translation.",
        "2026-11-14T20:31:09Z", comment="NeurIPS 2026 workshop",
    ),
    SamplePaper(
        "2611.10006", 1,
        "Scaling Laws for Mixture-of-Experts Routing under Expert Parallelism",
        _LONG_AUTHOR_LIST,
        "cs.LG", ["cs.LG", "cs.DC"],
        "Mixture-of-experts transformers scale parameters without scaling compute, but routing interacts with "
        "expert parallelism in ways that are poorly understood. We train 184 models from 100M to 34B active "
        "parameters and fit scaling laws that include communication cost. We find that the optimal number of "
        "experts depends on interconnect bandwidth and that token dropping above 5% hurts downstream accuracy "
        "more than it saves in throughput. The fitted laws predict the loss of a held-out 70B model within "
        "0.8%. Practitioners can use these laws to choose expert counts for a given cluster.",
        "2026-11-16T15:00:00Z", comment="52 pages, 31 figures",
    ),
    SamplePaper(
        "2611.10007", 1,
        "Calibrated Uncertainty for Graph Neural Networks via Conformal Prediction",
        ["Isabel Cruz", "Mohammed Al-Farsi"],
        "stat.ML", ["stat.ML", "cs.LG"],
        "Graph neural networks are often overconfident on nodes far from the training distribution. Conformal "
        "prediction offers coverage guarantees but assumes exchangeability, which graph data violate. We propose "
        "a neighbourhood-weighted conformal procedure with a provable coverage bound under local exchangeability. "
        "On eight node classification datasets, our intervals reach nominal coverage with 18% smaller sets than "
        "prior graph conformal methods. Weighted conformal prediction is therefore a viable uncertainty layer "
        "for graph learning.",
        "2026-11-13T13:14:15Z",
    ),
    SamplePaper(
        "2611.10008", 1,
        "Quantization-Aware Training for 2-Bit Transformers without Accuracy Collapse",
        ["Ravi Shankar", "Yuki Mori", "Anna Kowalczyk"],
        "cs.LG", ["cs.LG", "cs.CL"],
        "Post-training quantization below four bits causes large accuracy drops in transformer language models. "
        "Quantization-aware training could recover accuracy but is unstable at two bits because of outlier "
        "activations. We introduce a rotation-based reparameterization that spreads outliers before quantization "
        "and a learned step-size schedule. Our 2-bit 7B model loses only 1.9 perplexity points relative to "
        "16-bit and outperforms prior 2-bit methods by 4.5 points on zero-shot tasks. Extreme quantization is "
        "closer to practical than previously believed.",
        "2026-11-15T08:08:08Z", comment="Preprint",
    ),
    SamplePaper(
        "2611.10009", 1,
        "Large Language Models as Zero-Shot Planners for Household Robots: A Reality Check",
        ["Marta Głowacka", "Daniel Osei", "Lin Qiao", "Peter Brandt", "Sara Conti"],
        "cs.AI", ["cs.AI", "cs.RO"],
        "Recent work claims that large language models can plan household tasks for robots zero-shot. However, "
        "most evaluations are in simulation with perfect perception. We run 1,200 trials on two physical robots "
        "with four LLM planners and realistic perception noise. Success rates fall from 78% in simulation to 23% "
        "on hardware, and failures are dominated by object grounding errors rather than plan logic. We argue "
        "that benchmarks should report hardware results and grounding accuracy separately.",
        "2026-11-16T19:59:59Z",
    ),
    SamplePaper(
        "2611.10010", 1,
        "Tensor Network Methods for Quantum Chemistry on Classical Hardware",
        ["Ferdinand Albrecht", "Keiko Shimizu"],
        "cs.LG", ["cs.LG", "physics.chem-ph"],
        "Simulating strongly correlated molecules remains expensive for classical computers. Tensor networks "
        "compress the wavefunction but their bond dimension grows quickly with system size. We combine matrix "
        "product states with a learned orbital ordering obtained by graph partitioning. For a set of 30 "
        "transition-metal complexes our approach reduces the required bond dimension by a factor of three at "
        "fixed accuracy. Learned orderings are a cheap improvement for existing tensor network codes.",
        "2026-11-14T06:42:00Z", journal_ref="J. Chem. Theory Comput. 22 (2026) 1011-1024",
        doi="10.1021/acs.jctc.6b00000",
    ),
    SamplePaper(
        "2611.10011", 1,
        "Chain-of-Thought Reasoning Is Not Always Faithful: Evidence from Counterfactual Interventions",
        ["Hannah Meyer", "Arjun Patel", "Wei Zhang", "Fatima Zahra El Idrissi"],
        "cs.CL", ["cs.CL", "cs.AI"],
        "Chain-of-thought prompting improves the reasoning accuracy of language models, and its intermediate "
        "steps are often read as explanations. It remains unclear whether the final answer actually depends on "
        "the stated steps. We intervene on individual reasoning steps with counterfactual edits and measure how "
        "often the answer changes. Across six models, only 38% of edits to a necessary step change the answer, "
        "and larger models are less faithful. Chain-of-thought text should not be treated as a faithful "
        "explanation without such tests.",
        "2026-11-15T22:10:45Z", comment="EMNLP 2026 Findings",
    ),
    SamplePaper(
        "2611.10012", 1,
        "Federated Learning with Heterogeneous Clients: Convergence without Bounded Gradient Dissimilarity",
        ["Jakub Novák", "Aylin Kaya"],
        "cs.LG", ["cs.LG", "math.OC"],
        "Analyses of federated averaging usually assume bounded gradient dissimilarity between clients. This "
        "assumption fails for realistic non-IID data. We prove convergence of a variance-reduced federated "
        "method under a weaker second-moment condition and show that the rate is optimal up to logarithmic "
        "factors. Experiments on cross-device benchmarks confirm faster convergence with highly skewed label "
        "distributions. The analysis removes an assumption that limited earlier theory.",
        "2026-11-13T10:10:10Z",
    ),
    SamplePaper(
        "2611.10013", 1,
        "Multilingual Instruction Tuning for Low-Resource African Languages",
        ["Sipho Dlamini", "Amara Okafor", "Yonas Tesfaye", "Grace Wanjiru"],
        "cs.CL", ["cs.CL"],
        "Instruction-tuned language models perform poorly on most African languages. Machine-translated "
        "instruction data is cheap but noisy. We collect 60k native instructions in eleven languages and study "
        "how to mix them with translated data. Mixing 10% native data with translated data recovers 92% of the "
        "gains of fully native tuning on our new benchmark. Small amounts of native data are the most "
        "cost-effective investment for low-resource instruction tuning.",
        "2026-11-16T07:30:00Z", comment="Dataset released under CC-BY",
    ),
    SamplePaper(
        "2611.10014", 1,
        "When $k < n$: Sparse Attention with Provable Approximation Guarantees",
        ["Noah Fischer", "Ilse de Vries"],
        "cs.LG", ["cs.LG", "cs.DS"],
        r"Sparse attention reduces the quadratic cost of transformer layers by attending to only $k$ of $n$ keys. "
        r"Existing methods offer little control over the approximation error. We give a sampling scheme based on "
        r"leverage scores that approximates softmax attention within $\epsilon$ in spectral norm using "
        r"$k = O(d \log d / \epsilon^2)$ keys. In long-context language modelling the method matches dense "
        r"attention perplexity with 8x fewer keys at 32k context. Provable guarantees and practical speed-ups "
        r"are compatible for sparse attention.",
        "2026-11-14T12:00:00Z",
    ),
    SamplePaper(
        "2611.10015", 1,
        "Tabular Foundation Models Fail Silently on Distribution Shift",
        ["Camila Reyes", "Hugo Laurent"],
        "cs.LG", ["cs.LG", "stat.ML"],
        "Pretrained tabular foundation models now rival gradient boosting on small datasets. Little is known "
        "about their behaviour when test data drift from training data. We benchmark five such models on 40 "
        "datasets with natural temporal shift. Accuracy degrades 2.3 times more than for gradient boosting, and "
        "the models' confidence does not drop accordingly. Monitoring calibration is essential before "
        "deploying tabular foundation models.",
        "2026-11-15T16:45:00Z",
    ),
    SamplePaper(
        "2611.10016", 1,
        "RLHF Reward Models Prefer Longer Answers: Measuring and Mitigating Length Bias",
        ["Victoria Hughes", "Min-jun Park", "Omar Siddiqui"],
        "cs.CL", ["cs.CL", "cs.LG"],
        "Reward models used in reinforcement learning from human feedback systematically favour longer "
        "responses. This length bias is then amplified during policy optimization. We construct length-matched "
        "preference pairs to measure the bias in twelve open reward models and propose a debiasing penalty "
        "learned from these pairs. Policies trained with the debiased reward produce 31% shorter answers with "
        "equal human preference scores. Length control should be part of every RLHF pipeline.",
        "2026-11-16T01:05:00Z", comment="Code and data: see paper",
    ),
    SamplePaper(
        "2611.10017", 1,
        "Neural Operators for Weather Forecasting at Kilometre Scale",
        ["Henrike Bauer", "Santiago Herrera", "Tanvir Ahmed"],
        "cs.LG", ["cs.LG", "physics.ao-ph"],
        "Global weather models at kilometre resolution are too costly for large ensembles. Neural operators "
        "can emulate them cheaply but blur small-scale features. We design a multi-scale Fourier neural "
        "operator with a spectral loss that preserves high-frequency energy. The emulator reproduces "
        "precipitation extremes with 15% lower error than a strong baseline and runs 4,000 times faster than "
        "the physical model. Learned emulators can make kilometre-scale ensembles affordable.",
        "2026-11-13T18:22:00Z",
    ),
    SamplePaper(
        "2611.10018", 1,
        "Diffusion Language Models Can Reason in Parallel",
        ["Chen Jiayi", "Lars Eriksen", "Nour Haddad"],
        "cs.CL", ["cs.CL", "cs.AI", "cs.LG"],
        "Autoregressive language models reason one token at a time. Diffusion language models denoise all "
        "positions at once and could explore several reasoning paths in parallel. We train a masked diffusion "
        "language model with a self-correction objective on math word problems. It reaches 71% on GSM8K with "
        "one third of the decoding steps of an autoregressive model of equal size. Diffusion is a credible "
        "alternative architecture for reasoning tasks.",
        "2026-11-16T09:09:09Z",
    ),
    SamplePaper(
        "2611.10019", 1,
        "Benchmarking Symbolic Regression on Noisy Physical Data",
        ["Gustav Holm", "Isha Malhotra"],
        "cs.LG", ["cs.LG", "cs.NE"],
        "Symbolic regression promises interpretable equations from data. Benchmarks usually add small "
        "Gaussian noise to synthetic equations. We assemble 120 real laboratory datasets with known governing "
        "laws and realistic noise. Genetic programming recovers the correct law in 34% of cases, while recent "
        "neural methods recover 12%. Real data remain much harder than synthetic benchmarks suggest.",
        "2026-11-15T05:55:55Z",
    ),
    SamplePaper(
        "2611.10020", 1,
        "Agentic Retrieval-Augmented Generation for Multi-Hop Question Answering",
        ["Priya Venkatesan", "Jonas Petraitis", "Mei Tanaka"],
        "cs.CL", ["cs.CL", "cs.IR", "cs.AI"],
        "Multi-hop questions require retrieving evidence that depends on earlier evidence. Single-shot "
        "retrieval-augmented generation misses the later hops. We propose an agent that plans retrieval "
        "queries, reads documents, and decides when enough evidence has been gathered. On HotpotQA and MuSiQue "
        "the agent improves exact match by 8.1 and 11.4 points over iterative retrieval baselines while issuing "
        "fewer queries. Letting the model control retrieval is an effective strategy for multi-hop QA.",
        "2026-11-14T14:14:14Z",
    ),
    SamplePaper(
        "2611.10021", 1,
        "On the Sample Complexity of Learning Halfspaces with Massart Noise",
        ["Aurelio Bianchi", "Ruth Goldberg"],
        "cs.LG", ["cs.LG", "cs.DS", "stat.ML"],
        r"Learning halfspaces under Massart noise is a central problem in robust learning theory. Known efficient "
        r"algorithms need more samples than the information-theoretic minimum. We give a polynomial-time "
        r"algorithm whose sample complexity matches the lower bound up to a $\log(1/\epsilon)$ factor. The "
        r"algorithm uses a new certificate for the optimal halfspace's error. This closes most of the "
        r"statistical gap for efficient Massart learning.",
        "2026-11-13T21:00:00Z",
    ),
    SamplePaper(
        "2611.10022", 1,
        "Watermarking LLM Outputs Robust to Paraphrasing",
        ["Elena Popescu", "Kwame Mensah"],
        "cs.CR", ["cs.CR", "cs.CL"],
        "Text watermarks for large language models can be removed by paraphrasing. We propose a semantic "
        "watermark that biases sampling toward meaning-level clusters instead of individual tokens. After "
        "paraphrasing by a strong model, detection stays above 0.93 AUC while the best token-level watermark "
        "falls to 0.61. Semantic watermarks offer a more durable provenance signal.",
        "2026-11-16T11:11:11Z",
    ),
    SamplePaper(
        "2611.10023", 1,
        "Energy-Efficient Training via Adaptive Precision Scheduling",
        ["Mateus Oliveira", "Yuna Sato"],
        "cs.LG", ["cs.LG"],
        "Training large networks consumes substantial energy. Low-precision arithmetic saves energy but can "
        "destabilize training. We schedule numerical precision per layer and per step based on gradient "
        "statistics. On image and language workloads, training energy falls by 37% with final accuracy within "
        "0.2% of full-precision training. Adaptive precision is an easy win for greener training.",
        "2026-11-15T12:34:56Z",
    ),
    SamplePaper(
        "2611.10024", 1,
        "Causal Discovery from Interventional Single-Cell Data",
        ["Lucía Fernández", "Jae-won Lim", "Oskar Nowak"],
        "stat.ML", ["stat.ML", "q-bio.QM"],
        "Perturbation screens measure how gene knockouts change single-cell expression. Inferring causal gene "
        "networks from them is hindered by off-target effects. We model unknown intervention targets jointly "
        "with the causal graph and fit the model with a differentiable score. On two genome-wide screens the "
        "recovered edges agree with curated pathways 1.8 times more often than prior methods. Modelling "
        "intervention uncertainty matters for biological causal discovery.",
        "2026-11-14T03:03:03Z",
    ),
    SamplePaper(
        "2611.10025", 1,
        "Position: Benchmarks for AI Agents Should Measure Cost",
        ["Rebecca Stone", "Tariq Aziz"],
        "cs.AI", ["cs.AI"],
        "Leaderboards for AI agents rank systems by success rate alone. This hides large differences in the "
        "number of model calls and dollars spent per task. We re-evaluate 14 published agents and find that "
        "simple baselines sit on the cost-accuracy Pareto frontier in most benchmarks. We argue that agent "
        "benchmarks must report cost alongside accuracy.",
        "2026-11-16T16:16:16Z",
    ),
    SamplePaper(
        "2611.10026", 1,
        "Structured Pruning of Vision Transformers with Token Merging",
        ["Hao Li", "Greta Schulz"],
        "cs.CV", ["cs.CV", "cs.LG"],
        "Vision transformers are expensive at high resolution. Token merging reduces sequence length but is "
        "usually applied without changing the network. We jointly prune attention heads and merge tokens with a "
        "single learned budget. Throughput improves by 2.1x on ImageNet with a 0.4% top-1 accuracy loss. Joint "
        "pruning and merging outperforms either technique alone.",
        "2026-11-13T07:07:07Z",
    ),
    SamplePaper(
        "2611.10027", 1,
        "Łukasiewicz Logic Networks for Interpretable Rule Learning",
        ["Łukasz Wróbel", "Marie Dupont"],
        "cs.AI", ["cs.AI", "cs.LO", "cs.LG"],
        "Neuro-symbolic rule learners often rely on product t-norms whose gradients vanish for long rules. "
        "Łukasiewicz logic has piecewise-linear connectives with better gradient flow. We build differentiable "
        "rule networks on Łukasiewicz connectives and add a sparsity prior on rule length. The learned rule sets "
        "are 40% shorter than those of prior neuro-symbolic methods at equal accuracy on twelve tabular "
        "benchmarks. Choice of fuzzy logic strongly affects interpretability.",
        "2026-11-15T19:19:19Z",
    ),
    SamplePaper(
        "2611.10028", 1,
        "Memory-Efficient Fine-Tuning with Low-Rank Gradient Projection",
        ["Yusuf Demir", "Kaito Fujimoto", "Rania Saleh"],
        "cs.LG", ["cs.LG", "cs.CL"],
        "Full fine-tuning of large language models needs optimizer state for every parameter. Low-rank adapters "
        "save memory but restrict the update space. We project gradients onto a periodically refreshed low-rank "
        "subspace and keep optimizer state only there. Fine-tuning a 13B model fits on a single 24 GB GPU and "
        "matches full fine-tuning accuracy within 0.5 points on instruction-following benchmarks. Gradient "
        "projection gives most of the benefit of full fine-tuning at adapter-level memory.",
        "2026-11-16T05:05:05Z", comment="Code at the project page",
    ),
    SamplePaper(
        "2611.10029", 1,
        "Evaluating Machine Translation of Mathematical Text with \\LaTeX{} Markup",
        ["Anja Petrović", "Samuel Adeyemi"],
        "cs.CL", ["cs.CL"],
        "Machine translation systems often corrupt mathematical markup embedded in text. Standard metrics "
        "ignore whether formulas survive translation. We build a test set of 3,000 sentences with inline LaTeX "
        "in five language pairs and a metric that checks formula equivalence. Commercial systems break 14% of "
        "formulas, and a simple placeholder strategy reduces this to 2%. Translation pipelines for scientific "
        "text should protect markup explicitly.",
        "2026-11-14T10:30:00Z",
    ),
    SamplePaper(
        "2611.10030", 1,
        "Reinforcement Learning for Chip Floorplanning Revisited",
        ["Ethan Cole", "Mina Farouk"],
        "cs.LG", ["cs.LG", "cs.AR"],
        "Reinforcement learning for chip floorplanning attracted attention and controversy. Reported gains "
        "have been hard to reproduce. We re-implement three published methods and compare them with simulated "
        "annealing under equal compute on 20 open designs. Annealing matches or beats reinforcement learning on "
        "17 designs. Claims of learned placement superiority need stronger baselines.",
        "2026-11-15T23:23:23Z",
    ),
    SamplePaper(
        "2611.10031", 1,
        "Kernel Two-Sample Tests with Learned Deep Features: A Power Analysis",
        ["Marcus Webb", "Soo-ah Jung"],
        "stat.ML", ["stat.ML", "cs.LG"],
        "Two-sample tests with kernels on learned features are popular for detecting distribution shift. "
        "Their power depends on how data are split between feature learning and testing. We derive the "
        "asymptotic power as a function of the split ratio. The optimal split allocates far fewer samples to "
        "testing than common practice, improving power by up to 25% in experiments.",
        "2026-11-13T15:15:15Z",
    ),
    SamplePaper(
        "2611.10032", 1,
        "Robust Sim-to-Real Transfer for Legged Robots via Domain Randomization with Curriculum",
        ["Felix Hartmann", "Aiko Yamada", "Jorge Castillo"],
        "cs.RO", ["cs.RO", "cs.LG"],
        "Legged robots trained in simulation often fail on real terrain. Domain randomization helps but makes "
        "learning slow when the randomization range is wide from the start. We expand the randomization range "
        "with a curriculum driven by the policy's success rate. The policy trained with reinforcement learning "
        "in simulation walks on eight real terrains with a 94% success rate. Curriculum randomization is a "
        "simple route to robust sim-to-real transfer.",
        "2026-11-16T13:13:13Z",
    ),
    SamplePaper(
        "2611.10033", 1,
        "Fairness Auditing of Credit Scoring Models under Missing Protected Attributes",
        ["Nathalie Roux", "Kofi Boateng"],
        "cs.LG", ["cs.LG", "cs.CY"],
        "Fairness audits require protected attributes that lenders often do not collect. Proxy methods infer "
        "them but introduce bias in the audit itself. We bound the true disparity given a proxy model's "
        "confusion matrix and propose a tighter estimator. On two lending datasets the bounds contain the true "
        "disparity and are 45% narrower than existing bounds. Audits without protected attributes can still be "
        "informative.",
        "2026-11-14T08:48:00Z",
    ),
    SamplePaper(
        "2611.10034", 1,
        "Long-Context Transformers Forget the Middle: A Mechanistic Study",
        ["Ines Carvalho", "Bjorn Halvorsen", "Rui Tanaka"],
        "cs.CL", ["cs.CL", "cs.LG"],
        "Long-context transformer models recall information at the start and end of their context better than "
        "in the middle. The mechanism behind this is unclear. We trace the effect to attention heads whose "
        "positional bias grows with depth and identify them by causal patching. Rescaling these heads improves "
        "mid-context recall by 19 points without retraining. Lost-in-the-middle is a fixable property of "
        "specific heads.",
        "2026-11-15T09:00:00Z",
    ),
    SamplePaper(
        "2611.10035", 1,
        "Sample-Efficient $Q$-Learning with $O(\\sqrt{T})$ Regret in Linear MDPs",
        ["Dmitri Sokolov", "Ana Lima"],
        "cs.LG", ["cs.LG", "stat.ML"],
        r"Regret bounds for Q-learning in linear Markov decision processes are loose in the horizon. We analyse "
        r"an optimistic Q-learning variant with variance-aware bonuses. It achieves $\tilde O(d H \sqrt{T})$ "
        r"regret, improving the horizon dependence by a factor of $\sqrt{H}$. Simulations confirm the improved "
        r"scaling. Variance-aware exploration tightens model-free reinforcement learning theory.",
        "2026-11-13T11:11:11Z",
    ),
    SamplePaper(
        "2611.10036", 1,
        "Detecting Hallucinated Citations in LLM-Written Literature Reviews",
        ["Gabriela Silva", "Jan Kowalski", "Mei Tanaka"],
        "cs.CL", ["cs.CL", "cs.DL"],
        "Language models asked to write literature reviews invent citations. Checking each reference by hand "
        "is slow. We build a verifier that resolves citations against bibliographic databases and checks "
        "whether the cited paper supports the claim. On 500 generated reviews the verifier flags 96% of "
        "fabricated citations at 3% false positives. Automatic citation checking should accompany LLM-assisted "
        "writing.",
        "2026-11-16T21:21:21Z",
    ),
    SamplePaper(
        "2611.10037", 1,
        "Optimal Transport for Domain Adaptation in Medical Imaging",
        ["Rosa Jiménez", "Per Andersson"],
        "cs.CV", ["cs.CV", "cs.LG"],
        "Segmentation models trained on one hospital's scans degrade at another hospital. We align feature "
        "distributions with unbalanced optimal transport that tolerates label shift. Dice score at the target "
        "hospitals improves by 6.2 points over adversarial adaptation. Unbalanced transport is well suited to "
        "clinical domain shift.",
        "2026-11-14T17:17:17Z",
    ),
    SamplePaper(
        "2611.10038", 1,
        "Tokenizer-Free Language Modelling with Byte-Level Patches",
        ["Astrid Nilsen", "Hamid Rezaei"],
        "cs.CL", ["cs.CL", "cs.LG"],
        "Subword tokenizers handle rare scripts and typos poorly. Byte-level models avoid tokenizers but are "
        "slow because sequences are long. We group bytes into dynamic patches predicted by a small entropy "
        "model. At equal compute our model matches a subword baseline on English and beats it by 9% on "
        "low-resource scripts. Dynamic byte patches make tokenizer-free models competitive.",
        "2026-11-15T14:41:00Z",
    ),
    SamplePaper(
        "2611.10039", 1,
        "An Empirical Study of Data Contamination in Code Benchmarks",
        ["Thomas Berg", "Leila Nasser"],
        "cs.SE", ["cs.SE", "cs.LG"],
        "Code generation benchmarks may leak into pretraining corpora. We search public corpora for exact and "
        "near-duplicate benchmark problems. Up to 27% of problems in popular benchmarks have near duplicates, "
        "and model accuracy is 18 points higher on those problems. Contamination-aware reporting is needed for "
        "code benchmarks.",
        "2026-11-16T08:00:00Z",
    ),
    # Replacements: older papers announced again with a new version.
    SamplePaper(
        "2610.04567", 2,
        "Direct Preference Optimization with Noisy Labels",
        ["Chiara Russo", "Arash Ghorbani"],
        "cs.LG", ["cs.LG", "cs.CL"],
        "Preference datasets used for aligning language models contain label noise. Direct preference "
        "optimization treats every pair as correct. We derive a noise-robust DPO loss from a latent flip "
        "model and estimate the flip rate from data. With 30% synthetic noise, robust DPO retains 95% of the "
        "clean-data win rate while standard DPO retains 71%. Accounting for noise is necessary for preference "
        "optimization at scale.",
        "2026-10-08T12:00:00Z", updated="2026-11-15T10:00:00Z", comment="v2: added experiments on real noise",
    ),
    SamplePaper(
        "2609.08765", 3,
        "Graph Transformers for Molecular Property Prediction: What Matters?",
        ["Kenji Watanabe", "Olga Ivanova", "Ben Carter"],
        "cs.LG", ["cs.LG", "q-bio.BM"],
        "Many graph transformer variants have been proposed for molecules. It is unclear which design choices "
        "drive performance. We ablate positional encodings, attention sparsity and pretraining on 15 property "
        "prediction tasks. Positional encodings account for most of the gains, while attention sparsity "
        "matters little. Future architectures should focus on better structural encodings.",
        "2026-09-20T09:30:00Z", updated="2026-11-16T09:30:00Z",
        comment="v3: camera-ready", journal_ref="Transactions on Machine Learning Research, 2026",
    ),
    SamplePaper(
        "2610.01234", 2,
        "A Survey on Efficient Inference for Large Language Models",
        ["Rahul Iyer", "Sofia Lindgren"],
        "cs.CL", ["cs.CL", "cs.LG"],
        "Serving large language models is expensive. This survey reviews quantization, pruning, speculative "
        "decoding and serving systems for efficient LLM inference. We organize over 300 papers into a taxonomy "
        "and summarize reported speed-ups. We close with open problems in evaluation.",
        "2026-10-02T08:00:00Z", updated="2026-11-16T08:00:00Z",
    ),
    SamplePaper(
        "2610.07777", 2,
        "Stochastic Interpolants for Probabilistic Time-Series Forecasting",
        ["Hana Kobayashi", "Ricardo Alves"],
        "stat.ML", ["stat.ML", "cs.LG"],
        "Probabilistic forecasting needs calibrated predictive distributions. We model forecast uncertainty "
        "with stochastic interpolants between the last observation and the future, a diffusion-like generative "
        "approach that trains without simulation. On six forecasting benchmarks the method improves CRPS by 7% "
        "over diffusion baselines. Interpolants are an efficient alternative for probabilistic forecasting.",
        "2026-10-12T10:00:00Z", updated="2026-11-16T12:00:00Z",
    ),
]

# The next day: new papers, one paper already shown on day 1 that comes back as v2, and a paper
# seen in the first day's listings as a cross-list that now appears again.
DAY_2_PAPERS: list[SamplePaper] = [
    SamplePaper(
        "2611.11001", 1,
        "Test-Time Scaling for LLM Reasoning with Learned Verifiers",
        ["Arjun Patel", "Hannah Meyer"],
        "cs.CL", ["cs.CL", "cs.AI"],
        "Sampling many reasoning chains and picking one with a verifier improves accuracy of large language "
        "models. Verifier quality limits how far this scales. We train a process verifier on synthetic step "
        "labels and allocate samples adaptively per problem. With the same compute budget accuracy on "
        "competition math rises from 52% to 61%. Adaptive allocation makes test-time scaling more efficient.",
        "2026-11-17T10:00:00Z",
    ),
    SamplePaper(
        "2611.11002", 1,
        "Sparse Autoencoders Find Interpretable Features in Protein Language Models",
        ["Lina Haddad", "Georg Weber"],
        "cs.LG", ["cs.LG", "q-bio.BM"],
        "Protein language models encode structure and function but their representations are opaque. We "
        "train sparse autoencoders on residual activations of a large protein model. Thousands of learned "
        "features align with known binding sites and secondary structure. Sparse dictionaries are a practical "
        "lens on protein model internals.",
        "2026-11-17T11:00:00Z",
    ),
    SamplePaper(
        "2611.11003", 1,
        "Multi-Agent Debate Improves Factuality Only with Diverse Models",
        ["Sara Conti", "Daniel Osei"],
        "cs.AI", ["cs.AI", "cs.CL"],
        "Debate between several LLM agents has been reported to improve factual accuracy. We show that the "
        "gains vanish when all agents are copies of the same model. Debates among different model families "
        "improve factual accuracy by 6 points on three benchmarks. Diversity, not debate itself, drives the "
        "improvement.",
        "2026-11-17T12:00:00Z",
    ),
    SamplePaper(
        "2611.11004", 1,
        "Learning Rate Warmup Explained by Sharpness Dynamics",
        ["Oliver Grant", "Yi-Ting Chen"],
        "cs.LG", ["cs.LG", "stat.ML"],
        "Learning rate warmup is ubiquitous in transformer training but poorly understood. We track the loss "
        "sharpness during early training and show that warmup keeps updates below the edge of stability. A "
        "warmup-free schedule that adapts to measured sharpness trains as stably as tuned warmup. Warmup is a "
        "proxy for sharpness control.",
        "2026-11-17T13:00:00Z",
    ),
    SamplePaper(
        "2611.11005", 1,
        "Privacy Auditing of Differentially Private Fine-Tuning",
        ["Mohammed Al-Farsi", "Emma Larsen"],
        "cs.CR", ["cs.CR", "cs.LG"],
        "Differentially private fine-tuning is used to protect training data of language models. Empirical "
        "audits can check whether the claimed privacy budget holds. We design canaries tailored to fine-tuning "
        "and find that audits approach the theoretical bound within a factor of 1.3. Practical audits can "
        "validate private fine-tuning deployments.",
        "2026-11-17T14:00:00Z",
    ),
    SamplePaper(
        "2611.11006", 1,
        "Curriculum Design for Reinforcement Learning from Verifiable Rewards",
        ["Wen Xiaoling", "Lukas Brenner"],
        "cs.LG", ["cs.LG", "cs.AI", "cs.CL"],
        "Reinforcement learning with verifiable rewards trains reasoning models on problems with checkable "
        "answers. Problems that are too easy or too hard give no learning signal. We select training problems "
        "whose estimated pass rate is near one half and update the estimates online. This curriculum reaches "
        "the final accuracy of uniform sampling in 40% of the steps. Difficulty-aware sampling is a cheap "
        "improvement for reasoning RL.",
        "2026-11-17T15:00:00Z",
    ),
    # Shown on day 1 as v1; comes back as v2.
    SamplePaper(
        "2611.10001", 2,
        "Speculative Decoding with Draft Trees for Low-Latency Large Language Model Inference",
        ["Mei Tanaka", "Rahul Iyer", "Sofia Lindgren"],
        "cs.CL", ["cs.CL", "cs.LG"],
        "Autoregressive decoding makes large language model inference slow because every token needs a full "
        "forward pass. Existing speculative decoding methods verify a single draft sequence and waste work when "
        "the draft diverges early. We propose DraftTree, a method that proposes a tree of candidate continuations "
        "and verifies all branches in one batched pass using a tree attention mask. On six LLM serving "
        "benchmarks DraftTree achieves a 2.9x speed-up over standard decoding and 1.5x over linear speculative "
        "decoding, with identical output distributions. These results suggest that tree-structured drafts are a "
        "practical default for latency-sensitive serving.",
        "2026-11-14T17:02:11Z", updated="2026-11-17T09:00:00Z", comment="v2: two more benchmarks",
    ),
    SamplePaper(
        "2611.11007", 1,
        "Ordinal Regression with Deep Ensembles for Clinical Risk Scores",
        ["Nathalie Roux", "Tanvir Ahmed"],
        "stat.ML", ["stat.ML", "cs.LG"],
        "Clinical risk scores are ordinal, yet most deep models treat them as classes. We combine ordinal "
        "likelihoods with deep ensembles to obtain calibrated ordinal predictions. Calibration error falls by "
        "half on two hospital datasets. Ordinal structure should be used when it exists.",
        "2026-11-17T16:00:00Z",
    ),
]
# fmt: on
