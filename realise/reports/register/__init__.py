"""The Excel benefits register: its cells (`cells`), the workbook written for download and
as the import template (`xlsx`), the import itself (`importing`), imports run in the
background with their progress (`jobs`) and what an import reports back (`results`)."""
