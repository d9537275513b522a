"""JSON-LD 1.1 compaction of flat node objects, fast, for contexts made of terms and prefixes.

The dumps hold millions of node objects, each one subject with its properties, whose values
are value objects or node references (what :func:`museumkg.release.export.expanded_nodes` makes).
pyld compacts them correctly but slowly: the general algorithm looks every IRI up again and
again (~70 s per 10^6 statements). :class:`Compactor` runs the same algorithm (JSON-LD 1.1
Compaction, IRI Compaction with term selection over the inverse context, Value Compaction)
restricted to what such nodes and the catalog's context use, and caches every decision that
depends only on the context: which term a property takes for a kind of value, how a value is
written under that term, which prefix compacts an IRI's namespace. The output is the one pyld
gives, key for key (``tests/release/test_jsonld_compact.py`` compares them).

Supported contexts: ``@version`` 1.1; terms that are keyword aliases, prefixes or compact IRIs
(strings), or definitions with ``@id``, ``@type`` (``@id``, ``@vocab`` or a datatype) and
``@container`` (``@language``, ``@set``). Anything else (``@vocab``, ``@base``, a default
``@language``, scoped contexts, reverse properties, terms with a colon, ...) raises
:class:`UnsupportedContext`; the caller then uses pyld.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

#: The characters a simple term's IRI ends with to be a prefix (JSON-LD 1.1, gen-delims).
_GEN_DELIMS = ":/?#[]@"
_LAST_GEN_DELIM = re.compile(r".*[:/?#\[\]@]")
_KEYWORDS = frozenset(
    "@base @container @context @direction @graph @id @import @included @index @json "
    "@language @list @nest @none @prefix @propagate @protected @reverse @set @type @value "
    "@version @vocab".split()
)
_ALIASABLE = ("@id", "@type", "@value", "@language", "@graph", "@none")


class UnsupportedContext(ValueError):
    """The context uses a feature :class:`Compactor` does not implement."""


@dataclass(frozen=True)
class _Term:
    name: str
    iri: str
    type: str | None  # "@id", "@vocab", a datatype IRI, or None
    container: frozenset[str]
    prefix: bool


class Compactor:
    """Compacts expanded, flat node objects with one context, as pyld's ``compact`` would.

    >>> c = Compactor({"@version": 1.1, "ex": "http://e/", "id": "@id", "type": "@type",
    ...                "Thing": "ex:Thing", "name": {"@id": "ex:name", "@container": "@language"},
    ...                "knows": {"@id": "ex:knows", "@type": "@id"}})
    >>> c.compact_node({"@id": "http://e/a", "@type": ["http://e/Thing"],
    ...                 "http://e/name": [{"@value": "A", "@language": "en"}],
    ...                 "http://e/knows": [{"@id": "http://e/b"}],
    ...                 "http://e/other": [{"@value": "1"}]})
    {'id': 'ex:a', 'type': 'Thing', 'knows': 'ex:b', 'name': {'en': 'A'}, 'ex:other': '1'}
    """

    # Complexity: a flat list of checks of the context's definitions, each refusing what the
    # compactor does not support
    def __init__(self, context: dict[str, Any]) -> None:  # noqa: C901
        if not isinstance(context, dict):
            raise UnsupportedContext("the context is not one JSON object")
        self._terms: dict[str, _Term] = {}
        self._alias: dict[str, str] = {}
        local = dict(context)
        version = local.pop("@version", 1.1)
        if version != 1.1:
            raise UnsupportedContext(f"@version {version!r}")
        for key in local:
            if key.startswith("@"):
                raise UnsupportedContext(f"context keyword {key}")
            if ":" in key or "/" in key:
                raise UnsupportedContext(f"term {key!r} has the form of an IRI")
        aliases: dict[str, list[str]] = {}
        for name, value in local.items():
            if isinstance(value, str) and value in _KEYWORDS:
                if value not in _ALIASABLE:
                    raise UnsupportedContext(f"alias {name!r} of {value}")
                aliases.setdefault(value, []).append(name)
                continue
            self._terms[name] = self._define(name, value, local)
        for keyword in _ALIASABLE:
            names = sorted(aliases.get(keyword, []), key=lambda n: (len(n), n))
            self._alias[keyword] = names[0] if names else keyword
        self._prefixes = sorted(
            ((t.name, t.iri) for t in self._terms.values() if t.prefix),
            key=lambda item: (len(item[0]), item[0]),
        )
        self._prefix_names = frozenset(name for name, _iri in self._prefixes)
        self._inverse = self._inverse_context()
        self._namespaces: dict[str, list[tuple[str, str]]] = {}
        self._vocab_cache: dict[tuple[str, Any], str] = {}
        self._value_cache: dict[tuple[str, Any], tuple[str, str | None, str | None]] = {}
        # IRIs that compact (as vocabulary) to a term standing for exactly them
        self._vocab_terms = set()
        for iri in self._inverse:
            term = self._terms.get(self._vocab_iri(iri, None))
            if term is not None and term.iri == iri:
                self._vocab_terms.add(iri)

    # --- context processing ------------------------------------------------------------

    def _expand(self, text: str, local: dict[str, Any], name: str) -> str:
        if text in _KEYWORDS:
            raise UnsupportedContext(f"term {name!r} maps to {text} with other entries")
        if ":" not in text:
            raise UnsupportedContext(f"term {name!r}: {text!r} is relative (no @vocab here)")
        prefix, suffix = text.split(":", 1)
        if prefix == "_":
            raise UnsupportedContext(f"term {name!r} maps to a blank node")
        if suffix.startswith("//") or prefix not in local:
            return text
        target = local[prefix]
        if isinstance(target, dict):
            target = target.get("@id")
        if not isinstance(target, str) or ":" not in target or target in _KEYWORDS:
            raise UnsupportedContext(f"term {name!r}: prefix {prefix!r} is not an IRI")
        return self._expand(target, local, prefix) + suffix

    def _define(self, name: str, value: Any, local: dict[str, Any]) -> _Term:
        if isinstance(value, str):
            iri = self._expand(value, local, name)
            prefix = iri[-1] in _GEN_DELIMS
            return _Term(name, iri, None, frozenset(), prefix)
        if not isinstance(value, dict) or not isinstance(value.get("@id"), str):
            raise UnsupportedContext(f"term {name!r}: only strings or objects with @id")
        extra = set(value) - {"@id", "@type", "@container"}
        if extra:
            raise UnsupportedContext(f"term {name!r} uses {', '.join(sorted(extra))}")
        iri = self._expand(value["@id"], local, name)
        kind = value.get("@type")
        if kind is not None:
            if not isinstance(kind, str) or kind == "@none" or kind == "@json":
                raise UnsupportedContext(f"term {name!r}: @type {kind!r}")
            if kind not in ("@id", "@vocab"):
                kind = self._expand(kind, local, name)
        container = value.get("@container", [])
        container = [container] if isinstance(container, str) else container
        if not isinstance(container, list) or not set(container) <= {"@language", "@set"}:
            raise UnsupportedContext(f"term {name!r}: @container {container!r}")
        return _Term(name, iri, kind, frozenset(container), False)

    def _inverse_context(self) -> dict[str, dict[str, dict[str, dict[str, str]]]]:
        """pyld's inverse context (IRI → container → @language/@type/@any → value → term)."""
        inverse: dict[str, dict[str, dict[str, dict[str, str]]]] = {}
        for term in sorted(self._terms.values(), key=lambda t: (len(t.name), t.name)):
            container = "".join(sorted(term.container)) or "@none"
            entry = inverse.setdefault(term.iri, {}).setdefault(
                container, {"@language": {}, "@type": {}, "@any": {}}
            )
            entry["@any"].setdefault("@none", term.name)
            if term.type is not None:
                entry["@type"].setdefault(term.type, term.name)
            else:
                entry["@language"].setdefault("@none", term.name)
                entry["@type"].setdefault("@none", term.name)
        return inverse

    # --- IRI compaction -----------------------------------------------------------------

    def _select_term(
        self, iri: str, containers: list[str], kind: str, preferred: list[str]
    ) -> str | None:
        container_map = self._inverse[iri]
        for container in containers:
            if container not in container_map:
                continue
            values = container_map[container][kind]
            for pref in preferred:
                if pref in values:
                    return values[pref]
        return None

    # Complexity: JSON-LD 1.1's term selection (IRI compaction, 6.2), step by step as the spec
    # writes it
    def _vocab_iri(self, iri: str, signature: Any) -> str:  # noqa: C901
        """Compact ``iri`` as vocabulary, for a value of ``signature`` (``None``: no value).

        Signatures: ``("ref", is_term)``, ``("lang", tag)``, ``("type", datatype)``,
        ``("plain",)``.
        """
        key = (iri, signature)
        found = self._vocab_cache.get(key)
        if found is not None:
            return found
        term = None
        if iri in self._inverse:
            containers: list[str] = []
            kind, preferred_value = "@language", "@null"
            is_object = signature is not None
            if signature is None or signature[0] == "ref":
                if is_object:
                    containers += ["@id", "@id@set", "@type", "@set@type"]
                kind, preferred_value = "@type", "@id"
            elif signature[0] == "lang":
                containers += ["@language", "@language@set"]
                preferred_value = signature[1]
            elif signature[0] == "type":
                kind, preferred_value = "@type", signature[1]
            containers += ["@set", "@none"]
            if is_object:
                containers += ["@index", "@index@set"]
            if signature == ("plain",):
                containers += ["@language", "@language@set"]
            if preferred_value == "@id" and is_object:
                preferred = ["@vocab", "@id"] if signature[1] else ["@id", "@vocab"]
            else:
                preferred = [preferred_value]
                if "_" in preferred_value:
                    preferred.append("_" + preferred_value.split("_")[-1])
            preferred.append("@none")
            term = self._select_term(iri, containers, kind, preferred)
        found = term if term is not None else self._curie(iri)
        self._vocab_cache[key] = found
        return found

    def _curie(self, iri: str) -> str:
        """The shortest usable compact IRI of ``iri`` (pyld's choice), else ``iri`` itself."""
        match = _LAST_GEN_DELIM.match(iri)
        namespace = match.group(0) if match else ""
        usable = self._namespaces.get(namespace)
        if usable is None:
            usable = [(n, p) for n, p in self._prefixes if namespace.startswith(p)]
            self._namespaces[namespace] = usable
        candidate: str | None = None
        for name, prefix in usable:
            if prefix == iri:
                continue
            curie = f"{name}:{iri[len(prefix) :]}"
            if curie in self._terms:
                continue
            if candidate is None or (len(curie), curie) < (len(candidate), candidate):
                candidate = curie
        if candidate is not None:
            return candidate
        scheme = iri.split(":", 1)[0] if ":" in iri else None
        if scheme in self._prefix_names:
            raise ValueError(f"the IRI {iri} would be read as a compact IRI (prefix {scheme})")
        return iri

    # --- node compaction ----------------------------------------------------------------

    def _value_form(self, term: str, signature: Any) -> tuple[str, str | None, str | None]:
        """How a value object of ``signature`` is written under ``term``.

        Returns ``("bare", None, None)`` (just the lexical form), ``("type", key, datatype)``
        or ``("lang", key, None)`` (a value object with the aliased @type or @language key).
        """
        key = (term, signature)
        form = self._value_cache.get(key)
        if form is None:
            definition = self._terms.get(term)
            kind = definition.type if definition is not None else None
            if signature[0] == "type" and signature[1] == kind:
                form = ("bare", None, None)
            elif signature == ("plain",):
                form = ("bare", None, None)
            elif signature[0] == "type":
                form = ("type", self._alias["@type"], self._vocab_iri(signature[1], None))
            else:
                form = ("lang", self._alias["@language"], None)
            self._value_cache[key] = form
        return form

    @staticmethod
    def _add(target: dict[str, Any], key: str, value: Any, as_array: bool) -> None:
        if key in target:
            current = target[key]
            if not isinstance(current, list):
                target[key] = [current]
            target[key].append(value)
        else:
            target[key] = [value] if as_array else value

    def compact_node(self, node: dict[str, Any]) -> dict[str, Any]:
        """One expanded node object (``@id``, ``@type``, properties with arrays) compacted."""
        result: dict[str, Any] = {}
        for key in sorted(node):
            values = node[key]
            if key == "@id":
                result[self._alias["@id"]] = self._curie(values)
                continue
            if key == "@type":
                types = [self._vocab_iri(t, None) for t in values]
                alias = self._alias["@type"]
                for value in types:
                    self._add(result, alias, value, False)
                continue
            for item in values:
                self._add_item(result, key, item)
        return result

    def _add_item(self, result: dict[str, Any], prop: str, item: dict[str, str]) -> None:
        if "@id" in item:
            ref = item["@id"]
            term = self._vocab_iri(prop, ("ref", ref in self._vocab_terms))
            definition = self._terms.get(term)
            kind = definition.type if definition is not None else None
            compacted: Any = self._vocab_iri(ref, None) if kind == "@vocab" else self._curie(ref)
            if kind not in ("@id", "@vocab"):
                compacted = {self._alias["@id"]: compacted}
        else:
            if "@language" in item:
                signature: tuple[str, ...] = ("lang", item["@language"])
            elif "@type" in item:
                signature = ("type", item["@type"])
            else:
                signature = ("plain",)
            term = self._vocab_iri(prop, signature)
            definition = self._terms.get(term)
            form, alias, datatype = self._value_form(term, signature)
            if "@language" in (definition.container if definition else ()):
                bucket = result.setdefault(term, {})
                key = item.get("@language") or self._alias["@none"]
                value: Any = item["@value"]
                if form != "bare" and self._alias["@value"] != "@value":
                    # pyld keeps a value object here only when @value has an alias
                    first = datatype if form == "type" else item["@language"]
                    value = {alias: first, self._alias["@value"]: item["@value"]}
                self._add(bucket, key, value, "@set" in definition.container)  # type: ignore[union-attr]
                return
            if form == "bare":
                compacted = item["@value"]
            elif form == "type":
                compacted = {alias: datatype, self._alias["@value"]: item["@value"]}
            else:
                compacted = {alias: item["@language"], self._alias["@value"]: item["@value"]}
        container = definition.container if definition is not None else frozenset()
        self._add(result, term, compacted, "@set" in container)
