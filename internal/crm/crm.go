// Package crm is the domain of crmbot: staff and teams, customers, stages,
// activities, follow-ups and their history, important dates, working
// hours, and the rules that govern them (who may see or change what, which
// stage moves need a reason, when a quick next step falls, when a working
// day starts). Purchases and surveys have tables (migrations/) and demo
// data but no domain types yet; they join here with their features. It
// imports no adapter: no database, no Telegram.
package crm
