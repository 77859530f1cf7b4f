"""What the registry prints and hands out: PDF reports (WeasyPrint pages, long tables by
fpdf2), their charts and QR codes, and spreadsheets streamed as their rows arrive. Each
module renders from plain values (dicts, rows), never from the database."""
