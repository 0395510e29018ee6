"""Benefits management to the IPA guide: the benefits map, baselined plans with change
control, benefits contributing to benefits higher up and attribution between initiatives,
with their pages, forms and demo. The models are registered through
`realise.benefits.models`."""
