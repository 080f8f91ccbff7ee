"""The import page's two forms: upload a file, then confirm its preview."""

from django import forms

from lscb.board.plan_import.reading import MAX_FILE_BYTES, MAX_ROWS


class PlanUploadForm(forms.Form):
    plan_file = forms.FileField(
        label="Upload a plan file",
        help_text=f"A CSV file or an Excel workbook (.xlsx), up to {MAX_FILE_BYTES // (1024 * 1024)} MB "
        f"and {MAX_ROWS:,} rows. Nothing is imported until you have checked the preview.",
        # An empty file is reported by the reader, in the same words as any other problem with the file.
        allow_empty_file=True,
        error_messages={"required": "Select a CSV or XLSX file to import"},
    )

    def clean_plan_file(self):
        upload = self.cleaned_data["plan_file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(f"The file must be smaller than {MAX_FILE_BYTES // (1024 * 1024)} MB")
        return upload


class PlanConfirmForm(forms.Form):
    token = forms.RegexField(regex=r"^[0-9a-f]{32}$", widget=forms.HiddenInput)
    fingerprint = forms.RegexField(regex=r"^[0-9a-f]{64}$", widget=forms.HiddenInput)
