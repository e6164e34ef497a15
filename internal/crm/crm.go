// Package crm is the domain of crmbot: staff and teams, customers, stages,
// activities, follow-ups, important dates, purchases and surveys, and the
// rules that govern them (who may see or change what, which stage moves need
// a reason). It imports no adapter: no database, no Telegram.
package crm
