"""The passes behind :func:`screener.normalize.normalize`, one module per kind of rewrite.

- :mod:`.offsets`: the offset map a pass carries along, and the helpers that edit text and map together;
- :mod:`.folding`: flags, money emoji, non-ASCII characters and case;
- :mod:`.spacing`: whitespace runs and spaced-out letters;
- :mod:`.obfuscation`: punctuation inside words, digits used as letters, tripled letters;
- :mod:`.abbreviations`: chat abbreviations, units after a number, "pp".

Import :func:`~screener.normalize.normalize` and :class:`~screener.normalize.Normalized` from
:mod:`screener.normalize`; the names here are the pipeline's parts, not an API.
"""
