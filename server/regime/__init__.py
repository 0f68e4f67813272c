"""The regime's rules, stated once: who a plan covers and their minimum, how days at the grassroots
are counted, the pace, the 90-day flag, the weekly rhythm, late reports, rounding.

Every screen, file and the phone's bootstrap asks this package; nothing else computes these
figures. It sits above ``visits``, ``units`` and ``planning`` and below ``home``, ``review``,
``hearings``, ``reports`` and ``sync``. ``docs/regime.md`` states each rule in words.
"""
