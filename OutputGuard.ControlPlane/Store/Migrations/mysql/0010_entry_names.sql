-- Entry names in the change log (issue 18), MySQL/MariaDB dialect. A revision may change only which entries a
-- destination belongs to (a second domain resolving to an address already allowed, an address moving from one domain
-- to another while staying allowed): its change-log rows have op 'n' (renamed), so that the Delta sent to gateways
-- names the destination with its entries as they are then. The column took any letter so far; now it says which.
ALTER TABLE change_log ADD CONSTRAINT change_log_op CHECK (op IN ('a', 'r', 'n'))
