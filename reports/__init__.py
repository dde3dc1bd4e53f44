"""Draft medical-record notes: drafting from measured evidence, clinician edits, the model's reasoning
checked claim by claim against the evidence (struck, corrected or acknowledged by a reviewer),
Markdown/PDF rendering, and the versioned, audited SQLite store.

    note.py      the note's schema (dataclasses) and its constants
    guard.py     the prescription guard every text in a note passes (its word lists: prompts.medications)
    identifier_guard.py  no patient identifier in text typed into a de-identified note
    person_names.py      given names, titles and staff roles the identifier guard reads people by
    text_checks.py       both guards, as every edit, comment and correction passes them
    identity.py  pseudonymous recording ids (salted content hash)
    claims.py    the model's reasoning sentence by sentence, each claim checked against the evidence
    draft.py     a draft note from evidence and the model's answer
    edits.py     clinician edits of the editable fields; strikes and corrections of the reasoning
    render.py    the note as Markdown
    export.py    Markdown and PDF files, written atomically
    pdf_fonts.py the fonts a PDF draws a note with; a note they cannot draw is refused, not cut
    schema.py    the store's SQL schema and its migrations
    store.py     the store: versions, sign-off, audit trail

Depends on encoders and prompts only; serve uses it, it never uses serve.
"""
