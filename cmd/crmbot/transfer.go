package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/telecrm/crmbot/internal/config"
	"github.com/telecrm/crmbot/internal/crm"
	"github.com/telecrm/crmbot/internal/postgres"
	"github.com/telecrm/crmbot/internal/transfer"
)

// transferCommands are the import, export and erase subcommands.
func transferCommands() map[string]command {
	return map[string]command{
		"import": {"import customers from a CSV file (-dry-run to only check it)", cmdImport},
		"export": {"export customers or activities as Excel-friendly CSV", cmdExport},
		"erase":  {"erase a customer's personal data, keeping anonymous counts", cmdErase},
	}
}

// openTransferStore migrates and opens the database of cfg.
func openTransferStore(ctx context.Context, cfg config.Config) (*postgres.DB, func(), error) {
	if err := cfg.Validate(config.FDatabase); err != nil {
		return nil, nil, err
	}
	if err := postgres.Migrate(ctx, cfg.DatabaseURL, nil); err != nil {
		return nil, nil, err
	}
	pool, err := postgres.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, nil, err
	}
	return postgres.New(pool), pool.Close, nil
}

func cmdImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg config.Config
	fs := newFlags("import", "Import customers from a CSV file: crmbot import [flags] customers.csv\nColumns: "+
		fmt.Sprint(transfer.Columns)+" (name required). Duplicates are merged by phone; nothing is half imported.", stderr)
	config.Bind(fs, &cfg, config.FDatabase)
	dry := fs.Bool("dry-run", false, "check the file and report what would happen, writing nothing")
	region := fs.String("phone-region", "IR", "region of phone numbers written without a country code")
	owner := fs.Int64("owner", 0, "staff id owning rows with no owner column (0: the unassigned pool)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errUsage
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		return err
	}
	defer f.Close()
	data, err := transfer.ReadAll(f)
	if err == nil {
		var db *postgres.DB
		var closeDB func()
		if db, closeDB, err = openTransferStore(ctx, cfg); err != nil {
			return err
		}
		defer closeDB()
		var rep transfer.Report
		rep, err = db.Import(ctx, data, *region, transfer.Importer{CLI: true, DefaultOwner: *owner}, *dry)
		if err == nil {
			printReport(stdout, rep, *dry)
			return nil
		}
	}
	var fe *transfer.FileError
	if errors.As(err, &fe) {
		fmt.Fprintln(stdout, fe.Error())
		for _, i := range fe.Issues {
			fmt.Fprintf(stdout, "  %s [%s]\n", i, i.Code)
		}
	}
	return err
}

func printReport(w io.Writer, r transfer.Report, dry bool) {
	verb := "imported"
	if dry {
		verb = "dry run, nothing written"
	}
	fmt.Fprintf(w, "%s: %d rows, %d new customers, %d updated, %d merged within the file, %d rejected\n",
		verb, r.Rows, r.Created, r.Updated, r.Merged, r.Rejected)
	for _, i := range r.Issues {
		fmt.Fprintf(w, "  %s [%s]\n", i, i.Code)
	}
}

func cmdExport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg config.Config
	fs := newFlags("export", "Write every customer (or activity) as CSV for Excel (UTF-8 with BOM, CRLF, formula cells escaped).", stderr)
	config.Bind(fs, &cfg, config.FDatabase)
	what := fs.String("what", "customers", "customers or activities")
	lang := fs.String("lang", "en", "language of stage names: en, fa, ar")
	if err := fs.Parse(args); err != nil {
		return err
	}
	db, closeDB, err := openTransferStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer closeDB()
	w := transfer.NewWriter(stdout)
	switch *what {
	case "customers":
		_, err = db.ExportCustomers(ctx, transfer.Scope{All: true}, *lang, w)
	case "activities":
		_, err = db.ExportActivities(ctx, transfer.Scope{All: true}, w)
	default:
		return &config.Error{Var: "--what", Problem: "must be customers or activities"}
	}
	return err
}

func cmdErase(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg config.Config
	fs := newFlags("erase", "Erase a customer's personal data for good; activities, stage history and purchases stay as anonymous counts.", stderr)
	config.Bind(fs, &cfg, config.FDatabase)
	id := fs.Int64("customer", 0, "the customer's id")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *id <= 0 {
		return &config.Error{Var: "--customer", Problem: "must be a customer id"}
	}
	db, closeDB, err := openTransferStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer closeDB()
	e, err := db.EraseCustomer(ctx, *id, 0)
	if crm.IsCode(err, crm.ENotFound) {
		return fmt.Errorf("no customer %d to erase: the id is unknown, or the customer was erased already", *id)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "customer %s erased; kept %d activities, %d stage moves, %d purchases\n",
		strconv.FormatInt(e.CustomerID, 10), e.Activities, e.StageMoves, e.Purchases)
	return nil
}
