"""ICS 214, ICS 213 RR and HICS 251, laid out after the FEMA and HICS forms and filled
from the store."""
