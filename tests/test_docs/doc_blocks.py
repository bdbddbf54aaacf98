# Copyright (c) OpenMMLab. All rights reserved.
"""Parse the docs' markdown: fenced blocks with their ``docs-test``
markers, heading anchors, and the simple commands of a bash block (see
``test_doc_snippets.py`` for what the markers mean)."""
import re
import shlex
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]

FENCE = re.compile(r'^(\s*)(`{3,}|~{3,})\s*([\w+-]*)[^\n]*$')
MARKER = re.compile(r'<!--\s*docs-test:\s*(.*?)\s*-->')
LINK = re.compile(r'\[[^\]]*\]\(([^)\s]+)\)')


class Block:
    """One fenced code block of a page."""

    def __init__(self, page, line, lang, code, marker):
        self.page, self.line, self.lang = page, line, lang
        self.code, self.marker = code, marker

    @property
    def id(self):
        return f'{self.page.name}:{self.line}'

    def option(self, name):
        """Value of ``name`` in the marker: ``config PATH`` / ``requires
        PATH`` pairs and ``key=value`` words; None if absent."""
        words = self.marker.split()
        for i, word in enumerate(words):
            if word == name:
                return words[i + 1] if i + 1 < len(words) else ''
            if word.startswith(name + '='):
                return word.split('=', 1)[1]
        return None

    def unmet(self):
        """The ``requires`` path if it does not exist yet, else None."""
        path = self.option('requires')
        if path and not (REPO_ROOT / path).exists():
            return path
        return None


def parse_page(path):
    """All fenced blocks of a markdown page."""
    lines = path.read_text().splitlines()
    blocks, i = [], 0
    while i < len(lines):
        match = FENCE.match(lines[i])
        if not match:
            i += 1
            continue
        indent, fence, lang = match.groups()
        j = i - 1
        while j >= 0 and not lines[j].strip():
            j -= 1
        marker = MARKER.search(lines[j]) if j >= 0 else None
        body, k = [], i + 1
        while k < len(lines) and not lines[k].strip().startswith(fence):
            body.append(lines[k][len(indent):]
                        if lines[k].startswith(indent) else lines[k])
            k += 1
        if k == len(lines):
            raise ValueError(f'{path.name}:{i + 1}: unclosed code fence')
        blocks.append(
            Block(path, i + 1, lang.lower(), '\n'.join(body) + '\n',
                  marker.group(1) if marker else ''))
        i = k + 1
    return blocks


def heading_anchors(path):
    """GitHub's anchors of the headings of a page (outside code blocks)."""
    anchors, fence = set(), None
    for line in path.read_text().splitlines():
        match = FENCE.match(line)
        if match:
            marker = match.group(2)
            if fence is None:
                fence = marker
            elif line.strip().startswith(fence):
                fence = None
            continue
        if fence is None and line.startswith('#'):
            title = line.lstrip('#').strip().lower()
            anchors.add(re.sub(r'[^\w\- ]', '', title).replace(' ', '-'))
    return anchors


def _brace_expand(word):
    match = re.search(r'\{([^{}]*,[^{}]*)\}', word)
    if not match:
        return [word]
    out = []
    for part in match.group(1).split(','):
        out += _brace_expand(word[:match.start()] + part + word[match.end():])
    return out


def shell_commands(code):
    """Simple commands of a bash block, as argument lists."""
    code = code.replace('\\\n', ' ')
    commands = []
    for line in code.splitlines():
        lexer = shlex.shlex(line, posix=True, punctuation_chars=';&|')
        lexer.whitespace_split = True
        lexer.commenters = '#'
        words, current = list(lexer), []
        for word in words + [';']:
            if word and set(word) <= set(';&|'):
                if current:
                    commands.append(current)
                current = []
            else:
                current.extend(_brace_expand(word))
    for i, argv in enumerate(commands):
        while argv and re.match(r'^[A-Za-z_][A-Za-z0-9_]*=', argv[0]):
            argv = argv[1:]  # VAR=value prefix
        commands[i] = argv
    return [c for c in commands if c]
