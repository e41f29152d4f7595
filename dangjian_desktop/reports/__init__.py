"""Printed documents: publicity sheets (公示) and other PDFs built with reportlab; no Qt."""
