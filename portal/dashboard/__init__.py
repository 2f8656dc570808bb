"""The staff area's front page: what needs attention, in figures drawn from every feature.

It sits above the features because it reads all of them; none of them imports it.
"""
