"""The names' folded forms and match keys, a batch at a time, in a child process when many.

Writing the index's ``labels``, ``labels_fts`` and ``name_keys``
(:meth:`museumkg.index.index_names.Namer.write_labels`) folds every name
(:mod:`museumkg.textfold`) and makes its whole-name keys (:mod:`museumkg.index.name_keys`):
pure Python, the largest share of the index step's time. :func:`fold_names` does it for one
batch; :class:`NameFolder` runs it in this process, or for a catalog of at least
:data:`CHILD_FROM` names in one child process (``spawn``: nothing of the open store is
inherited), so that the second core folds while this one reads and writes SQLite. The same
function runs either way, so the rows are the same. At most :data:`AHEAD` batches are in
flight: memory stays bounded.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor

from museumkg.index.match_tables import key_rows
from museumkg.textfold import WordForms

#: Catalogs with at least this many names fold them in a child process.
CHILD_FROM = 50_000
#: Batches handed to the child before the first one's answer is awaited.
AHEAD = 3

#: A name to fold: its number, its entity's, its text and the entity's kind.
Name = tuple[int, int, str, str]
#: What :func:`fold_names` gives for a batch: ``labels_fts`` rows (number, latin, loose),
#: ``name_keys`` rows (:func:`museumkg.index.match_tables.key_rows`), the loose forms' words.
Folded = tuple[list[tuple[int, str, str]], list[tuple[str, int, int, int, int, int]], set[str]]

_CHILD_FOLDING = WordForms()  # the child's cache (a module global: it lives as long as it does)


def fold_names(names: Sequence[Name], folding: WordForms | None = None) -> Folded:
    """The full-text rows, match keys and words of a batch of names.

    >>> fts, keys, words = fold_names([(1, 7, "Алматы (ГМИ)", "org")])
    >>> fts, sorted(words)
    ([(1, 'almaty gmi', 'almati gmi')], ['almati', 'gmi'])
    >>> [(key, how) for key, _hash, _entity, _label, how, _named in keys]
    [('almaty gmi', 0), ('almaty', 1), ('gmi', 2)]
    """
    forms_of = (folding or _CHILD_FOLDING).forms
    fts: list[tuple[int, str, str]] = []
    keys: list[tuple[str, int, int, int, int, int]] = []
    words: set[str] = set()
    for number, entity, text, kind in names:
        _folded, latin_form, loose_form = forms_of(text)
        fts.append((number, latin_form, loose_form))
        keys += key_rows(number, entity, text, kind, (latin_form, loose_form), forms_of)
        words.update(loose_form.split())
    return fts, keys, words


class NameFolder:
    """Folds batches of names in order, here or in one child process (a context manager).

    ``fold`` takes a batch and gives back the answers of the batches that are ready, in the
    order they were given; ``rest`` the others once all are given.
    """

    def __init__(self, names: int, folding: WordForms) -> None:
        self.folding = folding
        self._pool: ProcessPoolExecutor | None = None
        if names >= CHILD_FROM:
            context = multiprocessing.get_context("spawn")
            self._pool = ProcessPoolExecutor(max_workers=1, mp_context=context)
        self._pending: deque[tuple[object, Future[Folded] | Folded]] = deque()

    def __enter__(self) -> NameFolder:
        return self

    def fold(self, names: Sequence[Name], tag: object) -> Iterator[tuple[object, Folded]]:
        """Fold ``names`` (``tag`` comes back with the answer); yield the answers now due."""
        if self._pool is None:
            self._pending.append((tag, fold_names(names, self.folding)))
        else:
            self._pending.append((tag, self._pool.submit(fold_names, list(names))))
        while len(self._pending) > AHEAD:
            yield self._next()

    def rest(self) -> Iterator[tuple[object, Folded]]:
        """The answers not given yet, in order."""
        while self._pending:
            yield self._next()

    def _next(self) -> tuple[object, Folded]:
        tag, answer = self._pending.popleft()
        return tag, answer.result() if isinstance(answer, Future) else answer

    def __exit__(self, *_exc: object) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
