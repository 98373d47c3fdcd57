package http

import (
	"archive/zip"
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"strconv"

	"github.com/gofiber/fiber/v2"
	"github.com/xuri/excelize/v2"

	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/indicator"
)

// A tableWriter writes one table, row by row, as a file: its first row is
// the heading. Cells are strings or float64s. Writers hold no more than
// a chunk of rows: a list is exported page by page as the store reads it.
type tableWriter interface {
	Row(cells ...any) error
	// Close finishes the file; nothing is complete before it.
	Close() error
}

// exportFormat is ?format=csv or xlsx (the contract's enum).
type exportFormat string

const (
	formatCSV  exportFormat = "csv"
	formatXLSX exportFormat = "xlsx"
)

func (f exportFormat) mime() string {
	if f == formatXLSX {
		return mimeXLSX
	}
	return mimeCSV + "; charset=utf-8"
}

func newTableWriter(f exportFormat, w io.Writer, sheet string) (tableWriter, error) {
	if f == formatXLSX {
		return newXLSXWriter(w, sheet)
	}
	return newCSVWriter(w)
}

// csvWriter writes RFC 4180 CSV in UTF-8 with a BOM, so that spreadsheet
// programs read the Chinese headings right.
type csvWriter struct {
	w *csv.Writer
}

func newCSVWriter(w io.Writer) (*csvWriter, error) {
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return nil, err
	}
	return &csvWriter{w: csv.NewWriter(w)}, nil
}

func (c *csvWriter) Row(cells ...any) error {
	rec := make([]string, len(cells))
	for i, v := range cells {
		rec[i] = cellText(v)
	}
	return c.w.Write(rec)
}

func (c *csvWriter) Close() error {
	c.w.Flush()
	return c.w.Error()
}

// cellText writes numbers the shortest way that reads back the same, so
// the same value is always the same text.
func cellText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case int:
		return strconv.Itoa(x)
	case nil:
		return ""
	}
	return fmt.Sprint(v)
}

// xlsxWriter writes one sheet through excelize's StreamWriter (rows go to
// a temporary file past its chunk size, not to memory) and, at Close,
// the workbook's zip straight to w: the zip writer excelize is given
// writes to the response, not to the buffer excelize offers it. Every
// zip entry carries indicator.FileTime and the document properties keep
// excelize's fixed template dates, so the same rows give the same bytes.
type xlsxWriter struct {
	f   *excelize.File
	sw  *excelize.StreamWriter
	out io.Writer
	row int
}

func newXLSXWriter(w io.Writer, sheet string) (*xlsxWriter, error) {
	f := excelize.NewFile()
	if err := f.SetSheetName(f.GetSheetName(0), sheet); err != nil {
		_ = f.Close()
		return nil, err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		_ = f.Close()
		return nil, err
	}
	return &xlsxWriter{f: f, sw: sw, out: w}, nil
}

func (x *xlsxWriter) Row(cells ...any) error {
	x.row++
	cell, err := excelize.CoordinatesToCellName(1, x.row)
	if err != nil {
		return err
	}
	vals := make([]any, len(cells))
	for i, v := range cells {
		if v == nil {
			v = ""
		}
		vals[i] = v
	}
	return x.sw.SetRow(cell, vals)
}

func (x *xlsxWriter) Close() error {
	defer func() { _ = x.f.Close() }()
	if err := x.sw.Flush(); err != nil {
		return err
	}
	x.f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return fixedTimeZip{zip.NewWriter(x.out)} })
	_, err := x.f.WriteToBuffer() // the buffer stays empty: the zip went to x.out
	return err
}

// fixedTimeZip stamps every entry with indicator.FileTime.
type fixedTimeZip struct{ *zip.Writer }

func (z fixedTimeZip) Create(name string) (io.Writer, error) {
	return z.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: indicator.FileTime})
}

func (z fixedTimeZip) AddFS(fs.FS) error { return fmt.Errorf("export: AddFS is not used") }

// exportLang is ?lang=en for English headings; Chinese otherwise (a
// download link cannot set Accept-Language).
func exportLang(c *fiber.Ctx) string {
	if c.Query("lang") == "en" {
		return "en"
	}
	return "zh-CN"
}

// stream answers a file, its heading row columns then the rows write
// gives, after the handler returns, in chunks as write produces them.
// What can fail for the caller (rights, input) must be checked before; a
// failure while streaming can no longer become a problem answer, so it
// is logged and the file is cut short (the client sees a broken
// download, never a wrong complete one).
func stream(c *fiber.Ctx, log *slog.Logger, format exportFormat, file, sheet string, columns []any,
	write func(ctx context.Context, t tableWriter) error) error {
	ctx := context.WithoutCancel(c.UserContext())
	attachment(c, file+"."+string(format))
	c.Set(fiber.HeaderContentType, format.mime())
	c.Set(fiber.HeaderCacheControl, "no-store")
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		t, err := newTableWriter(format, w, sheet)
		if err == nil {
			err = t.Row(columns...)
		}
		if err == nil {
			if err = write(ctx, t); err == nil {
				err = t.Close()
			}
		}
		if err != nil && log != nil {
			log.Error("export cut short", "file", file, "err", err)
		}
		_ = w.Flush()
	})
	return nil
}

// eachPage writes a list the use case reads page by page: rows writes
// one page and gives the cursor to the next ("" after the last), next
// reads the page at a cursor. The first page is read by the handler
// before the file begins, so that a refusal or a bad filter is still a
// problem answer; the rest as the file is written, never all at once.
func eachPage[P any](ctx context.Context, first P, next func(ctx context.Context, cursor string) (P, error),
	rows func(P) (string, error)) error {
	pg := first
	for {
		cursor, err := rows(pg)
		if err != nil || cursor == "" {
			return err
		}
		if pg, err = next(ctx, cursor); err != nil {
			return err
		}
	}
}

// exportWords are a file's headings in both languages.
type exportWords struct{ zh, en []string }

func (w exportWords) in(lang string) []any {
	src := w.zh
	if lang == "en" {
		src = w.en
	}
	out := make([]any, len(src))
	for i, s := range src {
		out[i] = s
	}
	return out
}

// parseFormat checks ?format= (the contract has validated it; default csv).
func parseFormat(c *fiber.Ctx) (exportFormat, error) {
	switch f := c.Query("format", "csv"); f {
	case "csv", "xlsx":
		return exportFormat(f), nil
	}
	return "", errInvalidParameter.WithFields(fault.FieldError{Field: "query.format", Code: "enum"})
}
