"""Reading Autopilot device files (autopilot/csv_import.py, no database): kind on form, strict on content."""

import codecs
import io

import pytest

from autopilot import csv_import as ci

from ..autopilot_data import HEADER, csv_file, good_row, hardware_hash


def codes(row: ci.DeviceRow) -> list[str]:
    return [p["code"] for p in row.problems]


def read(data: bytes) -> list[ci.DeviceRow]:
    return ci.read_device_file(data)


def refused(data: bytes, **limits) -> ci.CsvFileError:
    with pytest.raises(ci.CsvFileError) as caught:
        ci.read_device_file(data, **limits)
    return caught.value


# --- form: what is accepted -------------------------------------------------------------------------------------------


def test_partner_center_file_is_read_with_row_numbers_as_a_spreadsheet_counts_them():
    rows = read(csv_file(good_row(1), good_row(2)))
    assert [r.number for r in rows] == [2, 3]
    assert all(r.is_valid for r in rows)
    assert rows[0].serial_number == "SN000001" and rows[0].manufacturer == "Contoso Devices"
    assert rows[0].digest == ci.hash_digest(hardware_hash(1))


def test_header_in_any_case_and_column_order():
    header = "device model,HARDWARE HASH,  Manufacturer   Name ,windows product id,Device Serial Number"
    rows = read(csv_file(f"Laptop,{hardware_hash(1)},Contoso,,SN1", header=header))
    assert rows[0].is_valid
    assert (rows[0].serial_number, rows[0].manufacturer, rows[0].model) == ("SN1", "Contoso", "Laptop")


def test_intune_header_is_accepted_and_its_extra_columns_ignored():
    rows = read(csv_file(f"SN1,,{hardware_hash(1)},Sales,anne@contoso.test", header=ci.INTUNE_HEADER))
    assert rows[0].is_valid and rows[0].manufacturer == "" and rows[0].hardware_hash == hardware_hash(1)


def test_three_column_file_of_get_windowsautopilotinfo_is_accepted():
    rows = read(csv_file(f"SN1,,{hardware_hash(1)}", header="Device Serial Number,Windows Product ID,Hardware Hash"))
    assert rows[0].is_valid


@pytest.mark.parametrize(
    "encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16"], ids=["utf8", "utf8-bom", "windows-1252", "utf16-bom"]
)
def test_encodings(encoding):
    rows = read(csv_file(f"SN1,,{hardware_hash(1)},Société Générale,Modèle Été", encoding=encoding))
    assert rows[0].is_valid and rows[0].manufacturer == "Société Générale" and rows[0].model == "Modèle Été"


def test_bom_is_not_part_of_the_first_column_name():
    data = codecs.BOM_UTF8 + csv_file(good_row(1))
    assert read(data)[0].serial_number == "SN000001"


@pytest.mark.parametrize("delimiter", [";", "\t"], ids=["semicolon", "tab"])
def test_semicolons_and_tabs_that_spreadsheets_write(delimiter):
    header = HEADER.replace(",", delimiter)
    rows = read(csv_file(delimiter.join(["SN1", "", hardware_hash(1), "Contoso, Ltd", "Laptop"]), header=header))
    assert rows[0].is_valid and rows[0].manufacturer == "Contoso, Ltd"


def test_quoted_fields_keep_commas_and_quotes():
    rows = read(csv_file(f'"SN1","","{hardware_hash(1)}","Contoso, ""Devices""","Laptop 14"""'))
    assert rows[0].manufacturer == 'Contoso, "Devices"' and rows[0].model == 'Laptop 14"'


def test_blank_lines_rows_of_empty_cells_and_surrounding_spaces_are_ignored():
    data = csv_file("", good_row(1), ",,,,", "   ", f"  SN2 ,, {hardware_hash(2)} , Contoso , X ", newline="\n")
    rows = read(data)
    assert [r.number for r in rows] == [3, 6]
    assert rows[1].serial_number == "SN2" and rows[1].model == "X" and rows[1].is_valid


def test_lf_and_crlf_line_ends():
    assert len(read(csv_file(good_row(1), good_row(2), newline="\n"))) == 2
    assert len(read(csv_file(good_row(1), good_row(2), newline="\r\n"))) == 2


def test_trailing_empty_cells_beyond_the_header_are_fine():
    assert read(csv_file(good_row(1) + ",,"))[0].is_valid


# --- identity ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "row",
    [
        f",,{hardware_hash(1)},,",  # hardware hash alone
        f",3283402215734,{hardware_hash(1)},,",  # hash with product ID
        f"SN1,,{hardware_hash(1)},,",  # hash with serial
        f"SN1,3283402215734,{hardware_hash(1)},,",  # hash with product ID and serial
        "SN1,,,Contoso,Laptop",  # serial with manufacturer and model
        "SN1,3283402215734,,Contoso,Laptop",  # serial with manufacturer and model, and product ID
    ],
    ids=[
        "hash",
        "hash+product-id",
        "hash+serial",
        "hash+product-id+serial",
        "serial+make+model",
        "serial+make+model+product-id",
    ],
)
def test_rows_that_identify_a_device(row):
    assert read(csv_file(row))[0].is_valid


@pytest.mark.parametrize(
    ("row", "detail"),
    [
        ("SN1,,,,", "serial_incomplete"),
        ("SN1,,,Contoso,", "serial_incomplete"),
        ("SN1,,,,Laptop", "serial_incomplete"),
        (",,,Contoso,Laptop", "serial_incomplete"),
        ("SN1,3283402215734,,,", "serial_incomplete"),
        (",3283402215734,,,", "product_id_only"),
    ],
    ids=["serial-alone", "serial+make", "serial+model", "make+model", "serial+product-id", "product-id-alone"],
)
def test_rows_without_a_usable_identity(row, detail):
    [result] = read(csv_file(row))
    assert result.problems == [{"code": ci.NO_IDENTITY, "detail": detail}]
    assert "serial number, manufacturer name and device model" in ci.problem_reason(result.problems[0])


def test_a_short_product_id_alone_registers_nothing():
    [result] = read(csv_file(",123,,,"))
    assert not result.is_valid
    assert [(p["code"], p.get("detail")) for p in result.problems] == [(ci.MALFORMED_VALUE, "product_id")]


def test_a_row_of_nothing_but_a_group_tag_names_no_device():
    [result] = read(csv_file(",,,Sales,", header=ci.INTUNE_HEADER))
    assert result.problems == [{"code": ci.NO_IDENTITY, "detail": ""}]
    assert ci.problem_reason(result.problems[0]).endswith("nothing identifies the device.")


@pytest.mark.parametrize(
    "product_id",
    [
        "123",
        "328340221573",
        "32834022157345",
        "3283-4022-157",
        "3.28340E+12",
        "ABCDEFGHIJKLM",
        "３２８３４０２２１５７３４",
    ],
    ids=[
        "three-digits",
        "twelve-digits",
        "fourteen-digits",
        "hyphens",
        "spreadsheet-exponent",
        "letters",
        "wide-digits",
    ],
)
def test_the_windows_product_id_is_a_13_digit_number(product_id):
    [result] = read(csv_file(f"SN1,{product_id},,Contoso,Laptop"))
    problem = next(p for p in result.problems if p["code"] == ci.MALFORMED_VALUE)
    assert (problem["column"], problem["detail"]) == (ci.PRODUCT_ID, "product_id")
    assert ci.problem_reason(problem) == "Windows Product ID must be a 13-digit number."
    assert not result.is_valid


def test_manufacturer_and_model_are_exact_but_the_serial_number_is_not_case_sensitive():
    rows = read(
        csv_file("sn1,,,Contoso,Laptop", "SN1,,,contoso,Laptop", "SN1,,,Contoso,laptop", "SN1,,,Contoso,Laptop")
    )
    assert [codes(r) for r in rows] == [[], [], [], [ci.DUPLICATED]]
    assert rows[3].problems[0]["first_row"] == 2


@pytest.mark.parametrize(
    ("first", "again"),
    [
        (f"SN1,,{hardware_hash(7)},,", f"SN2,,{hardware_hash(7)},,"),
        ("SN1,3283402215734,,Contoso,Laptop", "SN2,3283402215734,,Contoso,Tablet"),
        ("SN1,,,Contoso,Laptop", f"SN1,,{hardware_hash(9)},Contoso,Laptop"),
    ],
    ids=["same-hash", "same-product-id", "same-serial-make-model"],
)
def test_a_device_twice_in_the_file_is_ZtdDeviceDuplicated(first, again):  # noqa: N802
    rows = read(csv_file(first, good_row(5), again))
    assert codes(rows[0]) == [] and codes(rows[2]) == [ci.DUPLICATED]
    assert ci.problem_reason(rows[2].problems[0]) == "The same device is on row 2 of this file."


# --- content: values --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "detail"),
    [
        ("not base64!", "base64"),
        (hardware_hash(1)[:-3] + "=a=", "base64"),
        (hardware_hash(1)[:100] + " " + hardware_hash(1)[100:], "base64"),
        (hardware_hash(1, size=100), "too_short"),
        ("A" * (ci.HASH_MAX_CHARS + 4), "too_long"),
        ("ÄÖÜ", "base64"),
    ],
    ids=["punctuation", "bad-padding", "space-inside", "too-short", "too-long", "not-ascii"],
)
def test_invalid_hardware_hash(value, detail):
    [row] = read(csv_file(f"SN1,,{value},Contoso,Laptop"))
    assert row.problems == [p for p in row.problems if p["code"] == ci.INVALID_HASH]
    assert row.problems[0]["detail"] == detail
    assert "hardware hash" in ci.problem_reason(row.problems[0])


def test_hardware_hash_may_start_with_a_plus_which_is_base64():
    value = "+" + hardware_hash(1)[1:]
    assert read(csv_file(f"SN1,,{value},,"))[0].is_valid


@pytest.mark.parametrize(
    ("row", "column", "detail", "reason"),
    [
        ("=cmd|' /C calc'!A0,,,Contoso,Laptop", ci.SERIAL, "formula", "Device Serial Number starts with =, +, - or @"),
        ("SN1,,,@SUM(1+1)*cmd|' /C calc'!A0,Laptop", ci.MANUFACTURER, "formula", "Manufacturer name starts with"),
        ('SN1,,,Contoso,+HYPERLINK("http://x")', ci.MODEL, "formula", "Device model starts with"),
        ("SN1,,,Contoso,-2+3", ci.MODEL, "formula", "Device model starts with"),
        ("SN\u202e1,,,Contoso,Laptop", ci.SERIAL, "control", "control or invisible characters"),
        ("SN1,,,Con\u0007toso,Laptop", ci.MANUFACTURER, "control", "control or invisible characters"),
        ('SN1,,,Contoso,"Lap\ntop"', ci.MODEL, "control", "control or invisible characters"),
        ("SN\u00e91,,,Contoso,Laptop", ci.SERIAL, "ascii", "only letters, digits and ASCII punctuation"),
        ("S" * 129 + ",,,Contoso,Laptop", ci.SERIAL, "too_long", "longer than 128 characters"),
        ("SN1,,,Contoso," + "M" * 129, ci.MODEL, "too_long", "Device model is longer than 128 characters"),
        ("SN1,,,Contoso," + "M" * 5000, ci.MODEL, "too_long", "longer than 128 characters"),
        (",3283-4022 157,,,", ci.PRODUCT_ID, "product_id", "must be a 13-digit number"),
        ("," + "1" * 65 + ",,,", ci.PRODUCT_ID, "too_long", "longer than 64 characters"),
    ],
    ids=[
        "formula-serial",
        "formula-manufacturer",
        "formula-model-plus",
        "formula-model-minus",
        "bidi-override",
        "bell",
        "newline-in-quotes",
        "serial-not-ascii",
        "serial-too-long",
        "model-too-long",
        "model-very-long",
        "product-id-space",
        "product-id-too-long",
    ],
)
def test_malformed_values(row, column, detail, reason):
    [result] = read(csv_file(row))
    problem = next(p for p in result.problems if p["code"] == ci.MALFORMED_VALUE)
    assert (problem["column"], problem["detail"]) == (column, detail)
    assert reason in ci.problem_reason(problem)


def test_manufacturer_and_model_may_be_any_language():
    assert read(csv_file("SN1,,,聯想,ThinkPad 電腦"))[0].is_valid


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("SN1,,", "The row has 3 values; the header has 5 columns."),
        (good_row(1) + ",surprise", "The row has 6 values; the header has 5 columns."),
    ],
    ids=["too-few", "too-many"],
)
def test_rows_with_the_wrong_number_of_values(row, reason):
    [result] = read(csv_file(row))
    assert result.problems[0]["code"] == ci.MALFORMED_ROW
    assert ci.problem_reason(result.problems[0]) == reason


def test_a_value_under_a_nameless_column_is_a_malformed_row():
    [row] = read(csv_file(good_row(1) + ",oops", header=HEADER + ","))
    assert ci.problem_reason(row.problems[0]) == "The row has a value in a column without a name in the header."


# --- against what is registered ---------------------------------------------------------------------------------------


def test_registered_devices_are_marked_by_owner_without_naming_the_other_tenant():
    rows = read(
        csv_file(
            good_row(1), good_row(2), good_row(3), "SN9,,,Contoso Devices,Laptop 0", "SN8,7777777777777,,Contoso,X"
        )
    )
    registered = ci.Registered(
        by_digest={ci.hash_digest(hardware_hash(1)): 10},
        by_product_id={"7777777777777": 11},
        by_serial={("SN9", "Contoso Devices", "Laptop 0"): 10, ("SN000002", "Contoso Devices", "Laptop 2"): 11},
    )
    ci.mark_registered(rows, registered, tenant_id=10)
    assert [codes(r) for r in rows] == [
        [ci.ALREADY_ASSIGNED],
        [ci.OTHER_TENANT],
        [],
        [ci.ALREADY_ASSIGNED],
        [ci.OTHER_TENANT],
    ]
    reason = ci.problem_reason({"code": ci.OTHER_TENANT})
    assert reason.startswith("This device is registered to another organization.")


def test_file_keys_are_what_the_bulk_lookup_needs():
    rows = read(csv_file(good_row(1), f",7777777777777,{hardware_hash(2)},,", "sn5,,,Contoso,Laptop"))
    digests, product_ids, serials = ci.file_keys(rows)
    assert digests == {ci.hash_digest(hardware_hash(1)), ci.hash_digest(hardware_hash(2))}
    assert product_ids == {"7777777777777"}
    assert serials == {"SN000001", "SN5"}


def test_report_entry_keeps_the_values_short_and_printable():
    [row] = read(csv_file("SN1,,,Contoso," + "M" * 300))
    entry = ci.report_entry(row)
    assert entry["row"] == 2 and len(entry["model"]) == 64 and entry["model"].endswith("…")


# --- whole files refused ----------------------------------------------------------------------------------------------

MALFORMED_FILES = [
    ("empty", b"", "The file is empty."),
    ("only-spaces", b"  \r\n \r\n", "The file is empty."),
    ("only-a-bom", codecs.BOM_UTF8, "The file is empty."),
    ("header-only", (HEADER + "\r\n").encode(), "The file has a header but no devices."),
    ("binary", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "The file is not a text file: it contains binary data."),
    ("nul-in-text", csv_file(good_row(1)).replace(b"SN0", b"S\x00N"), "it contains binary data"),
    ("xlsx", b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 40, "The file is an Excel workbook, not a CSV file."),
    ("xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 40, "The file is an Excel workbook"),
    (
        "bad-encoding",
        HEADER.encode() + b"\r\nSN1,,,Contoso \x81\x8d,Laptop\r\n",
        "is not UTF-8, UTF-16 or Windows-1252",
    ),
    (
        "no-header",
        csv_file(good_row(2), header=good_row(1)),
        "The first line must be the header: Device Serial Number,",
    ),
    (
        "missing-column",
        csv_file(
            "SN1,,Contoso,Laptop", header="Device Serial Number,Windows Product ID,Manufacturer name,Device model"
        ),
        "The header is missing these columns: Hardware Hash.",
    ),
    (
        "unknown-column",
        csv_file(good_row(1) + ",x", header=HEADER + ",Colour"),
        "a column Autopilot does not use: “Colour”",
    ),
    (
        "duplicate-column",
        csv_file(good_row(1) + ",SN2", header=HEADER + ",Device serial number"),
        "The column “Device Serial Number” appears twice",
    ),
    ("unclosed-quote", csv_file('"SN1,,,Contoso,Laptop', good_row(2)), "could not be read as CSV near line"),
    (
        "field-over-131072",
        csv_file("SN1,,,Contoso," + "M" * 200_000),
        "Line 2 has a value longer than 131,072 characters",
    ),
    ("html-page", b"<!DOCTYPE html><html><body>Sign in</body></html>", "The first line must be the header"),
]


@pytest.mark.parametrize(("data", "message"), [m[1:] for m in MALFORMED_FILES], ids=[m[0] for m in MALFORMED_FILES])
def test_files_refused_whole_with_a_clear_message(data, message):
    assert message in refused(data).message


def test_too_many_rows():
    error = refused(csv_file(*(good_row(n) for n in range(6))), max_rows=5)
    assert error.message == "The file has more than 5 devices. Split it into files of 5 devices at most."


def test_max_rows_is_at_least_ten_thousand():
    assert ci.MAX_ROWS >= 10_000
    rows = read(csv_file(*(f"SN{n},,,Contoso,Laptop" for n in range(ci.MAX_ROWS))))
    assert len(rows) == ci.MAX_ROWS and all(r.is_valid for r in rows)
    assert refused(csv_file(*(f"SN{n},,,Contoso,Laptop" for n in range(ci.MAX_ROWS + 1)))).code == "too_many_rows"


def test_too_large():
    error = refused(csv_file(good_row(1)), max_bytes=100)
    assert error.message == "The file is larger than 0 MB. Split the devices into several files."
    assert refused(b"x" * (ci.MAX_BYTES + 1)).code == "too_large"


def test_messages_are_in_the_active_language():
    from django.utils import translation

    with translation.override("zh-hant"):
        message = refused(b"").message
    assert message  # translated once the catalogue has it; never the code
    assert message != "empty"


# --- the two readers agree --------------------------------------------------------------------------------------------

QUOTE_FREE_TEXTS = [
    HEADER + "\r\n" + good_row(1) + "\r\n" + good_row(2) + "\r\n",
    HEADER + "\n" + good_row(1) + "\n\n,,,,\n" + good_row(2),
    HEADER + "\r" + good_row(1) + "\r" + good_row(2) + "\r",
    HEADER + "\r\n" + "SN1,,,Con\u2028toso,La\x0bptop\x1c\x85" + "\r\n",
    HEADER + "\r\n" + good_row(1) + ",,\r\n" + "SN2,," + "\r\n\r\n\r\n",
    HEADER.replace(",", ";") + "\r\n" + "SN1;;;Contoso, Ltd;Laptop\r\n",
    HEADER.replace(",", "\t") + "\r\n" + "SN1\t\t\tContoso\tLaptop\r\n",
    "",
    "\r\n\r\n",
]


@pytest.mark.parametrize("text", QUOTE_FREE_TEXTS)
def test_the_fast_reader_of_quote_free_files_reads_them_as_the_csv_module_does(text):
    for delimiter in (",", ";", "\t"):
        assert list(ci._records_plain(text, delimiter)) == list(ci._records_csv(text, delimiter))


def test_both_readers_refuse_a_value_over_the_limit_on_the_same_line():
    text = HEADER + "\r\n" + good_row(1) + "\r\nSN1,,,Contoso," + "M" * (ci.FIELD_LIMIT + 1) + "\r\n"
    for reader in (ci._records_plain, ci._records_csv):
        with pytest.raises(ci.CsvFileError) as caught:
            list(reader(text, ","))
        assert caught.value.params["line"] == 3


# Blank lines and rows of empty cells count towards a limit of lines, checked before the file is decoded or split.


@pytest.mark.parametrize("filler", ["", ",,,,", " ; "], ids=["blank lines", "empty rows", "spaces"])
@pytest.mark.parametrize("newline", ["\r\n", "\n", "\r"])
def test_a_file_of_blank_or_empty_lines_over_the_line_limit_is_refused(filler, newline):
    data = csv_file(good_row(1), *([filler] * ci.MAX_LINES), newline=newline)
    error = refused(data)
    assert error.code == "too_many_lines"
    assert error.message == (
        f"The file has more than {ci.MAX_LINES:,} lines, blank ones included. A device list has one line per device, "
        f"{ci.MAX_ROWS:,} devices at most."
    )


def test_the_line_limit_counts_utf16_and_quoted_files_too():
    blank = [""] * ci.MAX_LINES
    assert refused(codecs.BOM_UTF16_LE + csv_file(good_row(1), *blank, encoding="utf-16-le")).code == "too_many_lines"
    assert refused(csv_file(f'"SN1",,"{hardware_hash(1)}",,', *blank)).code == "too_many_lines"
    with pytest.raises(ci.CsvFileError) as caught:  # the text's own check, as a worker reads a stored file
        ci.parse_text(csv_file(good_row(1), *blank).decode())
    assert caught.value.code == "too_many_lines"


def test_blank_rows_a_spreadsheet_leaves_at_the_end_are_within_the_limit():
    rows = read(csv_file(good_row(1), good_row(2), *([",,,,"] * 500)))
    assert [r.number for r in rows] == [2, 3]


def test_lines_are_split_as_before_one_at_a_time():
    rows = read(b"\r\n\n" + csv_file(good_row(1), "", good_row(2), newline="\r") + b"\n" + good_row(3).encode())
    assert [r.serial_number for r in rows] == ["SN000001", "SN000002", "SN000003"]
    assert [r.number for r in rows] == [4, 6, 7]  # "\r" then "\n" is one line break


# Files are read a chunk at a time and refused as soon as a limit is passed, never held whole.


class CountingFile(io.BytesIO):
    """A file that remembers how much was read from it, and the largest single read."""

    def __init__(self, data: bytes):
        super().__init__(data)
        self.bytes_read = 0
        self.largest_read = 0

    def read(self, size=-1):
        chunk = super().read(size)
        self.bytes_read += len(chunk)
        self.largest_read = max(self.largest_read, len(chunk))
        return chunk


def streamed(data: bytes, **limits) -> tuple[CountingFile, ci.CsvFileError]:
    upload = CountingFile(data)
    with pytest.raises(ci.CsvFileError) as caught:
        ci.parse_stream(upload, **limits)
    return upload, caught.value


def test_a_line_limit_passed_late_is_refused_after_reading_a_few_chunks(monkeypatch):
    monkeypatch.setattr(ci, "CHUNK_BYTES", 64 * 1024)
    rows = [good_row(n) for n in range(200)]  # about 150 KB of real rows first
    data = csv_file(*rows, *([""] * ci.MAX_LINES), *rows * 20)
    upload, error = streamed(data)
    assert error.code == "too_many_lines"
    assert upload.largest_read <= 64 * 1024
    assert upload.bytes_read <= 5 * 64 * 1024 < len(data) / 5


def test_too_many_rows_is_refused_at_the_first_row_over_without_reading_on(monkeypatch):
    monkeypatch.setattr(ci, "CHUNK_BYTES", 4096)
    data = csv_file(*(good_row(n) for n in range(400)))
    upload, error = streamed(data, max_rows=5)
    assert error.code == "too_many_rows"
    # The first reading (limits on the bytes) goes through the file once; the rows are read until the sixth.
    assert upload.bytes_read < len(data) + 4 * 4096


def test_a_line_too_long_to_be_a_device_is_refused_before_it_is_held_whole(monkeypatch):
    monkeypatch.setattr(ci, "CHUNK_BYTES", 64 * 1024)
    long_line = ",".join(["x" * 1000] * (2 * ci.MAX_LINE_CHARS // 1000))
    data = csv_file(good_row(1), long_line, good_row(2))
    upload, error = streamed(data)
    assert error.code == "line_too_long"
    assert error.message == f"Line 3 is longer than {ci.MAX_LINE_CHARS:,} characters: this is not a device list."
    assert upload.bytes_read - len(data) < len(long_line) * 2 / 3  # after the first reading, stopped inside the line


@pytest.mark.parametrize("chunk_bytes", [1, 7, 4096])
@pytest.mark.parametrize(
    "data",
    [
        csv_file(good_row(1), "", f'"SN2",,"{hardware_hash(2)}","Contoso, ""Ltd""",X', good_row(3), newline="\r\n"),
        csv_file(good_row(1), "SN2,,,Société Générale,Modèle Été", newline="\r"),
        codecs.BOM_UTF8 + csv_file(good_row(1), "SN2,,,聯想,ThinkPad 電腦", newline="\n"),
        csv_file(good_row(1), "SN2,,,Société Générale,Modèle Été", encoding="utf-16"),
        csv_file(good_row(1), "SN2,,,Société Générale,Modèle Été", encoding="cp1252"),
    ],
    ids=["quoted-crlf", "cr", "utf8-bom-lf", "utf16", "windows-1252"],
)
def test_chunk_boundaries_change_nothing(monkeypatch, data, chunk_bytes):
    whole = [(r.number, r.values, r.problems) for r in ci.parse(data).rows]
    monkeypatch.setattr(ci, "CHUNK_BYTES", chunk_bytes)
    assert [(r.number, r.values, r.problems) for r in ci.parse_stream(io.BytesIO(data)).rows] == whole


def test_checking_a_file_keeps_of_each_row_its_keys_and_problems_only():
    """What a worker holds of a file of 20,000 rows while it checks it: never a row's values."""
    data = csv_file(good_row(1), good_row(2), good_row(1), "SN4,,,,", "SN5,123,,Contoso,Laptop")
    rows = ci.read_device_file(data)
    identities = ci.check_file(ci.parse(data).rows)
    assert [(i.number, i.keys(), i.problems) for i in identities] == [(r.number, r.keys(), r.problems) for r in rows]
    assert identities[2].problems == [{"code": ci.DUPLICATED, "first_row": 2}]
    assert not hasattr(identities[0], "hardware_hash") and not hasattr(identities[0], "__dict__")
