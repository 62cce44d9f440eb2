"""The checklist library (检查表库): versioned templates, their fixtures, the JSON API, the
admin pages and the .xlsx layout officers keep. rules (pure) · schemas · service · sheets ·
api · pages · messages · templates/checklists/."""
