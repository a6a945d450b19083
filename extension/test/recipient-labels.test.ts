import assert from "node:assert/strict";
import { test } from "node:test";
import { kindOfLabel } from "../src/content/webmail/recipients";

test("To, Cc and Bcc labels as webmails write them, in English, French and German", () => {
  for (const label of ["To", "To:", "To recipients", "À", "à :", "Destinataires", "An", "Empfänger", "Recipients"]) assert.equal(kindOfLabel(label), "to", label);
  for (const label of ["Cc", "Cc:", "Cc recipients", "Copie à", "Kopie", "Carbon copy"]) assert.equal(kindOfLabel(label), "cc", label);
  for (const label of ["Bcc", "Bcc:", "Bcc recipients", "Cci", "Cci :", "Copie cachée", "Blindkopie", "Blind carbon copy"]) assert.equal(kindOfLabel(label), "bcc", label);
});

test("a body, a subject or a long text is not a recipient field", () => {
  for (const label of ["An email body", "Message Body", "Subject", "Objet", "Rich Text Editor, main", "Add a comment", "", "To ".repeat(20)]) {
    assert.equal(kindOfLabel(label), null, label);
  }
});
