"""The certificate of attendance as a one-page A4 PDF (ReportLab; no system packages)."""

import io
from dataclasses import dataclass
from datetime import datetime

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas


@dataclass(frozen=True)
class Certificate:
    title: str  # "Certificate of attendance", in the attendee's language
    attendee: str
    organization: str
    event: str
    host: str
    lines: list[str]  # one per attended session, already formatted
    statement: str  # "attended 5 of 6 sessions"
    issued: str  # "Issued on 21 November 2026"
    reference: str  # the ticket, so the host can verify it


def render_certificate(cert: Certificate, *, created: datetime | None = None) -> bytes:
    """Draw the certificate; returns the PDF's bytes."""
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=created is None)
    pdf.setTitle(f"{cert.title} – {cert.event}")
    pdf.setAuthor(cert.host)
    pdf.setSubject(cert.attendee)
    width, height = A4
    pdf.setStrokeColorRGB(0.1, 0.3, 0.5)
    pdf.setLineWidth(2)
    pdf.rect(15 * mm, 15 * mm, width - 30 * mm, height - 30 * mm)
    y = height - 50 * mm
    pdf.setFont("Helvetica-Bold", 26)
    pdf.drawCentredString(width / 2, y, cert.title)
    y -= 25 * mm
    pdf.setFont("Helvetica-Bold", 20)
    pdf.drawCentredString(width / 2, y, cert.attendee)
    y -= 9 * mm
    pdf.setFont("Helvetica", 13)
    pdf.drawCentredString(width / 2, y, cert.organization)
    y -= 18 * mm
    pdf.drawCentredString(width / 2, y, cert.statement)
    y -= 10 * mm
    pdf.setFont("Helvetica-Bold", 15)
    pdf.drawCentredString(width / 2, y, cert.event[:90])
    y -= 8 * mm
    pdf.setFont("Helvetica", 12)
    pdf.drawCentredString(width / 2, y, cert.host)
    y -= 15 * mm
    pdf.setFont("Helvetica", 10)
    for line in cert.lines:
        pdf.drawString(30 * mm, y, f"• {line}"[:110])
        y -= 6 * mm
        if y < 45 * mm:
            break
    pdf.setFont("Helvetica", 9)
    pdf.drawString(30 * mm, 30 * mm, cert.issued)
    pdf.drawRightString(width - 30 * mm, 30 * mm, cert.reference)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
