"""Services: keyword-only functions taking `session=` and `actor=`; each owns its commit."""
