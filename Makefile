# Two commands a newcomer needs: `make run` and `make test`. Both create .venv on first use.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
# torch must come from the CPU build first, or pip would pull a multi-GB CUDA build for the
# optional openai-whisper engine.
TORCH  ?= torch==2.13.0

.PHONY: run test test-fast lint bundle screenshots bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed-app: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet $(TORCH)
	$(BIN)/pip install --quiet -e '.[test,openai,bundle]'
	touch $(VENV)/.installed-app $@

run: $(VENV)/.installed-app
	$(BIN)/buddy-interviews

# The whole suite, headless: Qt renders offscreen, slow tests included.
test: $(VENV)/.installed-test
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q

test-fast: $(VENV)/.installed-test
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -q -m "not slow"

lint: $(VENV)/.installed-test
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

bundle: $(VENV)/.installed-test
	$(BIN)/pyinstaller --noconfirm --clean build.spec

screenshots: $(VENV)/.installed-test
	xvfb-run -a -s "-screen 0 1280x800x24" $(BIN)/python bench/screenshots.py
	xvfb-run -a -s "-screen 0 1280x800x24" $(BIN)/python bench/screenshots_scaled.py

bench: $(VENV)/.installed-test
	$(BIN)/python bench/transcribe.py

clean:
	rm -rf build dist .pytest_cache .ruff_cache
