#!/usr/bin/env perl
# The install and upgrade scripts run as superuser inside a schema that a
# database owner may control (the extension is trusted).  PostgreSQL searches
# pg_catalog first, but a function or operator the owner planted in that schema
# is chosen when it matches the arguments better (format(text, regclass) beats
# pg_catalog.format(text, VARIADIC "any")).  This reads every script and fails
# on anything that could resolve to such a look-alike, or that it cannot read
# the way the server does:
#
#   - at the top level only the statements the extension needs: CREATE, ALTER,
#     COMMENT ON and DROP of functions, aggregates, types, operators, operator
#     classes and families and casts; DO; GRANT and REVOKE (anything else, a
#     SELECT, a view, a CHECK constraint, a domain, holds expressions that the
#     server resolves through search_path, and nothing here checks them);
#   - CREATE OR REPLACE (it would take over an object the owner made first);
#   - a function named at the top level that is not the extension's own
#     without pg_catalog. in front (RESTRICT = eqsel as much as format(...));
#   - a DEFAULT that is not a constant;
#   - code that runs (DO blocks, SQL and PL/pgSQL bodies) must be dollar-quoted
#     (not '...', not BEGIN ATOMIC or RETURN, which the server parses at the
#     top level), and in it: any call not written pg_catalog.f (a quoted name,
#     "format"(...), too), any operator not written OPERATOR(pg_catalog.x),
#     the constructs that compare with an operator looked up by name (IN, NOT
#     IN, NULLIF, IS DISTINCT FROM, BETWEEN, simple CASE, JOIN USING, NATURAL
#     JOIN, LIKE, ILIKE, SIMILAR TO), and EXECUTE;
#   - what the server might read otherwise than this lint: E'' strings, a
#     backslash in any string (the owner may turn standard_conforming_strings
#     off), dollar tags that are not plain ASCII, quoted names of other
#     characters than letters, digits and _, U& names.
#
# The extension is relocatable (competency.control), so PostgreSQL 15 does
# not substitute @extschema@ in its scripts: code in them cannot call the
# extension's own functions at all, and @extschema@ is refused.
#
# Usage: test/lint_scripts.pl SCRIPT... [--own OTHER_SCRIPT...]
# Functions, aggregates and types created by any script named (or after
# --own) are the extension's own.  Prints one line per finding; exit status 1 if any.
use strict;
use warnings;
use File::Basename qw(dirname);

my (@scripts, @own_from);
my $own_mode = 0;
for my $a (@ARGV) {
    if ($a eq '--own') { $own_mode = 1; next; }
    if ($own_mode) { push @own_from, $a } else { push @scripts, $a }
}
die "usage: $0 SCRIPT... [--own OTHER_SCRIPT...]\n" unless @scripts;

sub slurp { my ($f) = @_; open(my $fh, '<:raw', $f) or die "$f: $!\n"; local $/; my $s = <$fh>; close $fh; return $s; }

# @extschema@ is substituted only when the control file says relocatable = false
my $control = dirname($0) . '/../competency.control';
my $relocatable = 1;
if (open(my $fh, '<', $control)) {
    while (<$fh>) { $relocatable = 0 if /^\s*relocatable\s*=\s*'?(?:false|off|no)'?\s*$/i; }
    close $fh;
}

# Words that may stand before "(" without being a function call, in DDL
# (CREATE TYPE x AS (...), RETURNS TABLE (...), CREATE CAST (...)) and in
# expressions (x = ANY (...), EXISTS (...), OVER (...), IF (...) THEN).  A word
# here that is also a function name would hide a real call: left and right are
# keywords too, and left(...) is pg_catalog.left.  So none may be a pg_catalog
# function, except the type names that PostgreSQL's grammar (kwlist.h:
# COL_NAME_KEYWORD) only ever reads as a type, as in numeric(5, 2); checked
# below against postgres.bki.  IN, NULLIF, USING and CASE are here because the
# rules for code report them with their own advice.
my %grammar_type = map { $_ => 1 } qw(numeric varchar char bit time timestamp interval);
my %keyword = map { $_ => 1 } (keys %grammar_type, qw(
    as on in any all some exists array row values table cast coalesce greatest least nullif
    and or not when then else case using from where select join inner cross full outer lateral
    union intersect except with by over filter within group partition having limit offset distinct
    into returns setof of for type function aggregate operator procedure
    do if elsif while loop return query perform assert begin end declare
    decimal dec character float double precision int integer smallint bigint boolean real
));

# The check of that rule, when this runs where PostgreSQL is installed: the
# bootstrap catalog lists every pg_catalog function by name
my $n_catalog = 0;
{
    my $pg_config = $ENV{PG_CONFIG} || 'pg_config';
    my $sharedir = `'$pg_config' --sharedir 2>/dev/null` // '';
    chomp $sharedir;
    my $bki = "$sharedir/postgres.bki";
    if ($sharedir ne '' && open(my $fh, '<', $bki)) {
        my ($in_proc, %proname) = (0);
        while (<$fh>) {
            if (/^create pg_proc\b/) { $in_proc = 1; next; }
            if (/^close pg_proc\b/) { last; }
            $proname{$1} = 1 if $in_proc && /^insert \( \d+ (\S+) /;
        }
        close $fh;
        $n_catalog = keys %proname;
        my @bad = sort grep { $proname{$_} && !$grammar_type{$_} } keys %keyword;
        die "$0: the keyword list holds pg_catalog function names (@bad): calls of them would go unchecked\n" if @bad;
    }
}

my %own;
for my $f (@scripts, @own_from) {
    my $s = slurp($f);
    while ($s =~ /\bCREATE\s+(?:OR\s+REPLACE\s+)?(?:FUNCTION|AGGREGATE|PROCEDURE|TYPE)\s+(?:\@extschema\@\.)?(\w+)/gi) {
        $own{lc $1} = 1;
    }
}

my @findings;
sub finding {
    my ($file, $line, $msg) = @_;
    push @findings, [$file, $line, $msg];
}

# An identifier as the server reads one: '$' may follow the first character,
# and any byte with the high bit set counts as a letter
my $IDENT = qr/[A-Za-z_\x80-\xff][A-Za-z0-9_\$\x80-\xff]*/;
my $QUOTED = qr/"(?:[^"]|"")*"/;
my $NAME = qr/(?:$IDENT|$QUOTED)/;

# Split SQL text the way the server's lexer does into pieces [kind, text,
# line]: 'code' (comments replaced by a space, keeping line breaks), 'string'
# (a quoted literal, quotes included) and 'dollar' (the body of a dollar
# quote).  What the server might read differently is reported through $report.
sub scan {
    my ($s, $line, $report) = @_;
    my @out;
    my ($code, $code_line) = ('', $line);
    my $code_add = sub {
        my ($t) = @_;
        $code_line = $line if $code eq '';
        $code .= $t;
        $line += ($t =~ tr/\n//);
    };
    my $literal = sub {
        my ($kind, $t) = @_;
        push @out, ['code', $code, $code_line] if length $code;
        $code = '';
        push @out, [$kind, $t, $line];
        $line += ($t =~ tr/\n//);
    };
    my $nl = sub { return "\n" x ($_[0] =~ tr/\n//); };
    pos($s) = 0;
    while (pos($s) < length $s) {
        if ($s =~ /\G--[^\n]*/gc) {
            $code_add->(' ');
        } elsif ($s =~ /\G\/\*/gc) {
            # block comments nest
            my ($start, $depth) = (pos($s) - 2, 1);
            while ($depth && $s =~ /\G.*?(\/\*|\*\/)/sgc) { $depth += $1 eq '/*' ? 1 : -1; }
            if ($depth) { $report->($line, "a comment that does not end"); pos($s) = length $s; }
            $code_add->(' ' . $nl->(substr($s, $start, pos($s) - $start)));
        } elsif ($s =~ /\G([Ee]'(?:[^'\\]|\\.|'')*(?:'|\z))/sgc) {
            # E'' strings take backslash escapes (E'the learner\'s'): read
            # them that way so that the rest stays in step, and refuse them
            my $t = $1;
            $report->($line, "an E'...' string: write a plain '...' string without backslashes (a quote doubled: '')");
            $literal->('string', $t);
        } elsif ($s =~ /\G(?:[Uu]&)("(?:[^"]|"")*")/gc) {
            $report->($line, "the U&$1 name: Unicode escapes can spell any name; write it plainly");
            $code_add->("\x02" . $nl->($1));
        } elsif ($s =~ /\G((?:[BbXxNn]|[Uu]&)?'(?:[^']|'')*(?:'|\z))/gc) {
            my $t = $1;
            # the database owner may SET standard_conforming_strings = off
            # before CREATE EXTENSION: then the server reads a backslash in a
            # string as an escape, and sees other statements than this lint
            $report->($line, "a backslash in a string literal: with standard_conforming_strings off (the database owner may set it) the server reads it as an escape; write the text without backslashes")
                if $t =~ /\\/;
            $report->($line, "a string that does not end") if pos($s) == length $s && $t !~ /.'$/s;
            $literal->('string', $t);
        } elsif ($s =~ /\G($IDENT)/gc) {
            $code_add->($1);
        } elsif ($s =~ /\G($QUOTED)/gc) {
            my $q = $1;
            if ($q =~ /^"[A-Za-z_][A-Za-z0-9_]*"$/) {
                $code_add->($q);
            } else {
                $report->($line, "the quoted name $q: only letters, digits and _ are read the same here as by the server; rename it");
                $code_add->("\x02" . $nl->($q));
            }
        } elsif ($s =~ /\G(\$[0-9]+)/gc) {
            $code_add->($1);    # a parameter, $1
        } elsif ($s =~ /\G\$((?:[A-Za-z_\x80-\xff][A-Za-z0-9_\x80-\xff]*)?)\$/gc) {
            # a dollar quote, its tag read as the server reads it (bytes with
            # the high bit set are letters): $é$ opens one as much as $body$
            my $tag = $1;
            $report->($line, "the dollar quote \$$tag\$: write \$\$ or a plain ASCII tag such as \$body\$")
                unless $tag =~ /^(?:[A-Za-z_][A-Za-z0-9_]*)?$/;
            my $end = index($s, "\$$tag\$", pos($s));
            if ($end < 0) { $report->($line, "a dollar quote \$$tag\$ that does not end"); $end = length $s; }
            my $body = substr($s, pos($s), $end - pos($s));
            pos($s) = $end + length("\$$tag\$") <= length $s ? $end + length("\$$tag\$") : length $s;
            push @out, ['code', $code, $code_line] if length $code;
            $code = '';
            push @out, ['dollar', $body, $line];
            $line += (("\$$tag\$$body\$$tag\$") =~ tr/\n//);
        } elsif ($s =~ /\G([0-9]+(?:\.[0-9]*)?(?:[Ee][-+]?[0-9]+)?)/gc) {
            $code_add->($1);
        } elsif ($s =~ /\G([^-\/'"\$A-Za-z_0-9\x80-\xff]+|.)/sgc) {
            $code_add->($1);
        }
    }
    push @out, ['code', $code, $code_line] if length $code;
    return @out;
}

# Pieces as one text in which every literal stands as \x01<index>\x01
# followed by its line breaks, so that positions still count lines.
sub flatten {
    my (@p) = @_;
    my $t = '';
    for my $i (0 .. $#p) {
        if ($p[$i][0] eq 'code') { $t .= $p[$i][1]; }
        else { $t .= "\x01$i\x01" . ("\n" x ($p[$i][1] =~ tr/\n//)); }
    }
    return $t;
}

# Blank out a match keeping its line breaks
sub blank { my ($m) = @_; $m =~ s/[^\n]/ /g; return $m; }

# Calls in $t, qualified or not: [position, qualifier parts, name]
sub calls {
    my ($t) = @_;
    my @c;
    while ($t =~ /(?<![\w\$\x80-\xff."])((?:$NAME\s*\.\s*)*)($NAME)\s*\(/g) {
        my ($qual, $name) = ($1, $2);
        push @c, [$-[0], [map { s/^\s+|\s+$//gr } grep { /\S/ } split /\./, $qual], $name];
    }
    return @c;
}

sub dequote { my ($n) = @_; return $n =~ /^"(.*)"$/s ? $1 =~ s/""/"/gr : lc $n; }

my $extschema_msg = "\@extschema\@ is not substituted: the extension is relocatable (competency.control), so script code cannot call the extension's own functions at all; do that in C";
my $own_advice = $relocatable ? "the extension's own functions cannot be called from script code" : "the extension's own as \@extschema\@.f";

# Report @extschema@ where the server leaves it as it is; elsewhere make it a
# name that reads as a schema
sub extschema {
    my ($file, $t, $at, $prefix) = @_;
    if ($relocatable) {
        while ($t =~ /\@extschema\@/g) { finding($file, $at->($-[0]), "$prefix$extschema_msg"); }
        $t =~ s/(\@extschema\@\s*\.?)/blank($1)/ge;
    } else {
        $t =~ s/\@extschema\@/"\@extschema\@"/g;
    }
    return $t;
}

# Rules for code that runs (DO blocks, SQL and PL/pgSQL bodies): every call
# and operator qualified, and nothing that looks an operator up by name
sub check_body {
    my ($file, $line0, $body, $what) = @_;
    my @p = scan($body, $line0, sub { finding($file, $_[0], "$what: $_[1]") });
    my $t = flatten(@p);
    my $at = sub { my ($pos) = @_; return $line0 + (substr($t, 0, $pos) =~ tr/\n//); };

    # OPERATOR(pg_catalog.=) is the qualified form
    $t =~ s/(\bOPERATOR\s*\(\s*(?:pg_catalog|"pg_catalog")\s*\.\s*[^\s)]+\s*\))/blank($1)/gie;
    $t = extschema($file, $t, $at, "$what: ");

    for my $c (calls($t)) {
        my ($pos, $qual, $name) = @$c;
        if (@$qual) {
            next if dequote($qual->[-1]) eq 'pg_catalog';
            next if dequote($qual->[-1]) eq '@extschema@' && $own{lc $name};
            finding($file, $at->($pos), "$what calls " . join('.', @$qual, $name) . "(...): only pg_catalog functions may be called here; write pg_catalog.$name");
        } elsif ($name =~ /^"/) {
            finding($file, $at->($pos), "$what calls $name(...): a quoted name is looked up through search_path as any other; write pg_catalog.$name");
        } elsif (!$keyword{lc $name}) {
            finding($file, $at->($pos), "$what calls $name(...) without a schema: write pg_catalog.$name ($own_advice)");
        }
    }
    while ($t =~ /\bEXECUTE\b/gi) {
        finding($file, $at->($-[0]), "$what runs dynamic SQL (EXECUTE): write the statement itself");
    }

    # Constructs that compare with an operator the parser looks up by name,
    # through search_path, as if written unqualified
    # [pattern, [construct, operator, what to write], the same when the
    # pattern's group matched (NOT IN, NOT LIKE), or undef to skip those]
    my @implicit = (
        [qr/\b(NOT\s+)?IN\s*\(/i,
            ['IN (...)', '=', 'x OPERATOR(pg_catalog.=) ANY (ARRAY[...]) (or ANY (SELECT ...))'],
            ['NOT IN (...)', '<>', 'x OPERATOR(pg_catalog.<>) ALL (ARRAY[...])']],
        [qr/\bNULLIF\s*\(/i, ['NULLIF(a, b)', '=', 'CASE WHEN a OPERATOR(pg_catalog.=) b THEN NULL ELSE a END']],
        [qr/\bIS\s+(?:NOT\s+)?DISTINCT\s+FROM\b/i,
            ['IS [NOT] DISTINCT FROM', '=', 'the comparison with OPERATOR(pg_catalog.=) and IS NULL tests']],
        [qr/\bBETWEEN\b/i, ['BETWEEN', '>= and <=', 'x OPERATOR(pg_catalog.>=) a AND x OPERATOR(pg_catalog.<=) b']],
        # CASE WHEN is the searched form; END CASE ends a PL/pgSQL CASE
        [qr/\b(END\s+)?CASE\b(?!\s*(?:WHEN\b|;))/i,
            ['a simple CASE x WHEN v', '=', 'CASE WHEN x OPERATOR(pg_catalog.=) v THEN'], undef],
        [qr/\bUSING\s*\(/i, ['JOIN ... USING (...)', '=', 'JOIN ... ON a.c OPERATOR(pg_catalog.=) b.c']],
        [qr/\bNATURAL\b/i, ['NATURAL JOIN', '=', 'JOIN ... ON a.c OPERATOR(pg_catalog.=) b.c']],
        [qr/\b(NOT\s+)?LIKE\b/i, ['LIKE', '~~', 'a OPERATOR(pg_catalog.~~) b'],
            ['NOT LIKE', '!~~', 'a OPERATOR(pg_catalog.!~~) b']],
        [qr/\b(NOT\s+)?ILIKE\b/i, ['ILIKE', '~~*', 'a OPERATOR(pg_catalog.~~*) b'],
            ['NOT ILIKE', '!~~*', 'a OPERATOR(pg_catalog.!~~*) b']],
        [qr/\bSIMILAR\s+TO\b/i, ['SIMILAR TO', '~', 'a OPERATOR(pg_catalog.~) pg_catalog.similar_to_escape(b)']],
    );
    for my $rule (@implicit) {
        my ($re, $plain, $grouped) = @$rule;
        while ($t =~ /$re/g) {
            my ($pos, $end) = ($-[0], $+[0]);
            my $say = defined $1 ? $grouped : $plain;
            next unless $say;
            my ($construct, $op, $instead) = @$say;
            # FOR r IN (...) LOOP is a loop, not a comparison
            next if $construct eq 'IN (...)' && substr($t, 0, $end) =~ /\bFOR\s+$NAME(?:\s*,\s*$NAME)*\s+IN\s*\($/i;
            finding($file, $at->($pos), "$what uses $construct, which compares with $op looked up through search_path: write $instead");
        }
    }

    # Operators.  Blanked out first, keeping the length so that positions
    # still count lines: quoted names, assignment, casts, named arguments, declarations,
    # RAISE ... USING option =, and * as in SELECT *, count(*), r.*
    my $u = $t;
    $u =~ s/($QUOTED)/blank($1)/ge;
    $u =~ s/(:=|::|=>)/blank($1)/ge;
    $u =~ s/(%(?:ROW)?TYPE\b)/blank($1)/gie;
    $u =~ s/(\b(?:DETAIL|HINT|MESSAGE|ERRCODE|COLUMN|CONSTRAINT|DATATYPE|TABLE|SCHEMA)\s*=)/blank($1)/gie;
    $u =~ s/((?:\(|\bSELECT|,|\.)\s*\*)/blank($1)/gie;
    while ($u =~ /([-+*\/<>=~!\@#%^&|`?]+)/g) {
        my $op = $1;
        finding($file, $at->($-[0]), "$what uses the operator $op unqualified: write OPERATOR(pg_catalog.$op)");
    }
}

# The statement kinds a script may hold at the top level
my $ALLOWED = qr/^(?:(?:CREATE(?:\s+OR\s+REPLACE)?|ALTER|DROP|COMMENT\s+ON)\s+(?:FUNCTION|AGGREGATE|TYPE|OPERATOR|CAST)\b|DO\b|GRANT\b|REVOKE\b)/i;

sub check_statement {
    my ($file, $line0, @p) = @_;
    my $t = flatten(@p);
    return unless $t =~ /\S/;
    my $at = sub { my ($pos) = @_; return $line0 + (substr($t, 0, $pos) =~ tr/\n//); };
    my $lit = sub { my ($i) = @_; return $p[$i][1]; };
    my $show = sub { my ($s) = @_; $s =~ s/\x01(\d+)\x01\n*/$p[$1][0] eq 'dollar' ? '$$...$$' : $p[$1][1]/ge; $s =~ s/\s+/ /g; $s =~ s/^ | $//g; return $s; };
    $t =~ /^(\s*)/;
    my $start = length $1;
    my $head = substr($t, $start);

    unless ($head =~ $ALLOWED) {
        my ($words) = $head =~ /^((?:\S+\s*){1,2})/;
        $words = $show->($words);
        $words = substr($words, 0, 30) if length $words > 30;
        finding($file, $at->($start), "$words ... at the top level: only CREATE, ALTER, COMMENT ON and DROP of functions, aggregates, types, operators (classes, families) and casts, DO and GRANT/REVOKE may stand here; the server resolves the expressions of other statements through search_path, and nothing checks them (do the work in a DO block)");
        return;
    }

    if ($head =~ /^CREATE\s+OR\s+REPLACE\b/i) {
        finding($file, $at->($start), "CREATE OR REPLACE could take over an object the database owner created first: write CREATE");
    }
    $t = extschema($file, $t, $at, '');
    for my $c (calls($t)) {
        my ($pos, $qual, $name) = @$c;
        if (@$qual) {
            next if dequote($qual->[-1]) eq 'pg_catalog';
            next if dequote($qual->[-1]) eq '@extschema@' && $own{lc $name};
            finding($file, $at->($pos), join('.', @$qual, $name) . "(...) is neither pg_catalog's nor the extension's own: write pg_catalog.$name");
        } elsif ($name =~ /^"/ || !($keyword{lc $name} || $own{lc $name})) {
            finding($file, $at->($pos), "$name(...) is not the extension's own: write pg_catalog.$name");
        }
    }
    while ($t =~ /\b(RESTRICT|JOIN)\s*=\s*([\w.]+)/gi) {
        my ($what, $name) = ($1, $2);
        next if $name =~ /^pg_catalog\./i;
        next if $own{lc $name};
        finding($file, $at->($-[0]), "$what = $name: write pg_catalog.$name");
    }
    # A DEFAULT is parsed when the statement runs, with the functions and
    # operators it names looked up then: only constants (a number, NULL,
    # true, false or a string, with a cast) are safe
    while ($t =~ /\bDEFAULT\b\s*(?:=\s*)?(?!FOR\b)(?=\S)/gi) {
        my ($pos, $from) = ($-[0], $+[0]);
        my ($depth, $i) = (0, $from);
        while ($i < length $t) {
            my $ch = substr($t, $i, 1);
            last if $depth == 0 && ($ch eq ',' || $ch eq ')');
            $depth++ if $ch eq '(';
            $depth-- if $ch eq ')';
            $i++;
        }
        my $d = substr($t, $from, $i - $from);
        next if $d =~ /^(?:-?[\d.]+|NULL|true|false|\x01\d+\x01)\s*(?:::\s*[\w\[\] .]+)?\s*$/i;
        finding($file, $at->($pos), "DEFAULT " . $show->($d) . " is not a constant: write a number, a string, NULL, true or false (with a cast if need be)");
    }

    # Code that runs: DO blocks and the bodies of functions that are not C.
    # Their clauses are read outside parentheses: a parameter may be named
    # language, f(language internal)
    my $outer = $t;
    1 while $outer =~ s/(\([^()]*\))/blank($1)/ge;
    if ($head =~ /^DO\b/i) {
        my ($lang) = $outer =~ /\bLANGUAGE\s+($NAME)/i;
        my ($body) = $outer =~ /\bDO\s+(?:LANGUAGE\s+$NAME\s+)?\x01(\d+)\x01/i;
        if (defined $lang && dequote($lang) ne 'plpgsql') {
            finding($file, $at->($start), "a DO block in language $lang: only PL/pgSQL can be checked here");
        } elsif (!defined $body) {
            finding($file, $at->($start), "a DO block whose body this lint cannot find: write DO \$\$ ... \$\$");
        } elsif ($p[$body][0] ne 'dollar') {
            finding($file, $p[$body][2], "a DO block with a single-quoted body: write it dollar-quoted (\$\$ ... \$\$) so that it can be checked");
        } else {
            check_body($file, $p[$body][2], $p[$body][1], 'a DO block');
        }
    } elsif ($head =~ /^CREATE\s+(?:OR\s+REPLACE\s+)?(?:FUNCTION|PROCEDURE)\b/i) {
        my $lang = 'sql';    # the default when a body is given
        if ($outer =~ /\bLANGUAGE\s+(?:($NAME)|\x01(\d+)\x01)/i) {
            $lang = defined $1 ? dequote($1) : lc($lit->($2) =~ s/^'|'$//gr);
        }
        if ($outer =~ /\bBEGIN\s+ATOMIC\b/i || $outer =~ /\bRETURN\b/i) {
            finding($file, $at->($start), "a SQL-standard body (BEGIN ATOMIC or RETURN) is parsed at the top level, unchecked: write it AS \$\$ ... \$\$");
        }
        my ($body) = $outer =~ /\bAS\s*\x01(\d+)\x01/i;
        if ($lang eq 'c' || $lang eq 'internal') {
            # AS 'MODULE_PATHNAME': a symbol, not code
        } elsif ($lang ne 'sql' && $lang ne 'plpgsql') {
            finding($file, $at->($start), "a function in language $lang: only C, internal, SQL and PL/pgSQL functions can be checked here");
        } elsif (defined $body && $p[$body][0] ne 'dollar') {
            finding($file, $p[$body][2], "a $lang function body in a single-quoted string: write it dollar-quoted (\$\$ ... \$\$) so that it can be checked");
        } elsif (defined $body) {
            check_body($file, $p[$body][2], $p[$body][1], 'a function body');
        }
    }
}

for my $file (@scripts) {
    my $s = slurp($file);
    # The server blanks every line that starts with \echo before it reads a
    # script (so that psql users are told to run CREATE EXTENSION instead)
    $s =~ s/^\\echo[^\n]*//mg;
    my @p = scan($s, 1, sub { finding($file, @_) });
    # statements end at a ; outside literals and comments
    my (@stmt, $stmt_line);
    for my $piece (@p) {
        my ($kind, $text, $line) = @$piece;
        if ($kind ne 'code') { $stmt_line //= $line; push @stmt, $piece; next; }
        my @parts = split /;/, $text, -1;
        for my $k (0 .. $#parts) {
            if ($k > 0) {
                check_statement($file, $stmt_line, @stmt) if @stmt;
                @stmt = ();
                undef $stmt_line;
            }
            next if $parts[$k] eq '';
            $stmt_line //= $line;
            push @stmt, ['code', $parts[$k], $line];
            $line += ($parts[$k] =~ tr/\n//);
        }
    }
    check_statement($file, $stmt_line, @stmt) if @stmt;
}

for my $f (sort { $a->[0] cmp $b->[0] || $a->[1] <=> $b->[1] } @findings) {
    print "$f->[0]:$f->[1]: $f->[2]\n";
}
if (@findings) {
    printf "lint_scripts: %d finding(s) in %s\n", scalar @findings, join(' ', @scripts);
    exit 1;
}
printf "lint_scripts: %d script(s) checked, every call and operator in them qualified%s\n", scalar @scripts,
    $n_catalog ? " (keywords checked against $n_catalog pg_catalog function names)" : '';
exit 0;
