-- Macros shared by the models (TEMP: they live only in the build connection).

-- Is a row of a group withheld? `published` is the group's int_published_groups
-- row; `n` the respondents behind this row (NULL where the row has no count of
-- its own), which may be fewer than the group's when not everyone answered.
create or replace temp macro withheld(published, n) as
    published.is_suppressed or coalesce(n < published.min_group_size, false);

-- Why: the group's own reason, or too few respondents behind this row.
create or replace temp macro withheld_reason(published, n) as
    case
        when published.is_suppressed then published.suppression_reason
        when n < published.min_group_size then 'fewer_than_k_respondents'
    end;

-- Would a figure resting on `n` people single out fewer than k of them? (0 is safe:
-- nothing is hidden there.)
create or replace temp macro isolates_fewer_than_k(n, k) as
    n between 1 and k - 1;

-- An answer (or a mean) on its item's scale, rescaled to 0-100:
-- (x - scale min) / (scale max - scale min) x 100. Construct and item scores both use it.
create or replace temp macro to_0_100(x, scale_min, scale_max) as
    (x - scale_min) / (scale_max - scale_min) * 100;
