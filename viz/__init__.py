"""The visual layer of conflict-kg (interactive network and timeline views).

The views arrive with the visual-exploration issue; this package exists so the
distribution's layout (packages ``kg`` and ``viz``) is stable from the start.
"""
