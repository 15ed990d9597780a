#!/usr/bin/env perl
# The install and upgrade scripts run as superuser inside a schema that a
# database owner may control (the extension is trusted).  PostgreSQL searches
# pg_catalog first, but a function or operator the owner planted in that schema
# is chosen when it matches the arguments better (format(text, regclass) beats
# pg_catalog.format(text, VARIADIC "any")).  This reads every script, line by
# line, and fails on anything that could resolve to such a look-alike:
#
#   - CREATE OR REPLACE (it would take over an object the owner made first);
#   - a call of a function that is not the extension's own without
#     pg_catalog. in front, anywhere (RESTRICT = eqsel as much as format(...));
#   - inside code that runs (DO blocks, SQL and PL/pgSQL bodies): any operator
#     not written OPERATOR(pg_catalog.x), any call not schema-qualified (our
#     own functions as @extschema@.f), and any EXECUTE;
#   - a DEFAULT that is not a constant.
#
# Usage: test/lint_scripts.pl SCRIPT... [--own OTHER_SCRIPT...]
# Functions, aggregates and types created by any script named (or after
# --own) are the extension's own.  Prints one line per finding; exit status 1 if any.
use strict;
use warnings;

my (@scripts, @own_from);
my $own_mode = 0;
for my $a (@ARGV) {
    if ($a eq '--own') { $own_mode = 1; next; }
    if ($own_mode) { push @own_from, $a } else { push @scripts, $a }
}
die "usage: $0 SCRIPT... [--own OTHER_SCRIPT...]\n" unless @scripts;

sub slurp { my ($f) = @_; open(my $fh, '<', $f) or die "$f: $!\n"; local $/; my $s = <$fh>; close $fh; return $s; }

# Words that may stand before "(" without being a function call, in DDL
# (CREATE TYPE x AS (...), OPERATOR 1 < (...), RETURNS TABLE (...)) and in
# expressions (x = ANY (...), EXISTS (...), typed literals numeric(5, 2)).
my %keyword = map { $_ => 1 } qw(
    as on in any all some exists array row values table cast coalesce greatest least nullif
    and or not is when then else case using from where select join left right inner cross
    with by over filter within group partition into returns setof for of type function
    aggregate operator procedure cast family class do if loop return begin end declare
    numeric decimal varchar char character bit varbit time timestamp timestamptz interval
    float double precision int integer smallint bigint boolean
    restrict commutator negator merges hashes storage
    sfunc stype finalfunc combinefunc serialfunc deserialfunc initcond msfunc minvfunc
    mstype mfinalfunc sspace parallel
);

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

# Split a script into (kind, text, line) pieces: code outside literals, string
# literals, and dollar-quoted bodies; comments are dropped.
sub pieces {
    my ($s) = @_;
    my @out;
    my $line = 1;
    my $code = '';
    my $code_line = 1;
    my $flush = sub { push @out, ['code', $code, $code_line] if length $code; $code = ''; };
    while (length $s) {
        if ($s =~ s/^(--[^\n]*)//) { next; }
        if ($s =~ s{^(/\*.*?\*/)}{}s) { $line += ($1 =~ tr/\n//); next; }
        if ($s =~ s/^((?:[EeUu]&?)?'(?:[^']|'')*')//) {
            my $lit = $1;
            $flush->();
            push @out, ['string', $lit, $line];
            $line += ($lit =~ tr/\n//);
            $code_line = $line;
            next;
        }
        if ($s =~ s/^(\$(\w*)\$)(.*?)\1//s) {
            my ($tag, $body) = ($1, $3);
            $flush->();
            push @out, ['dollar', $body, $line];
            $line += (($tag . $body . $tag) =~ tr/\n//);
            $code_line = $line;
            next;
        }
        $s =~ s/^(.)//s;
        $code .= $1;
        $code_line = $line unless length($code) > 1;
        $line++ if $1 eq "\n";
    }
    $flush->();
    return @out;
}

# Rules for code that runs: every call and operator qualified
sub check_body {
    my ($file, $line0, $body, $what) = @_;
    my @p = pieces($body);
    for my $p (@p) {
        my ($kind, $text, $l) = @$p;
        next unless $kind eq 'code';
        my $base = $line0 + $l - 1;
        my $t = $text;
        # OPERATOR(pg_catalog.=) is the qualified form; blank it out (keeping
        # line breaks) before looking for bare operators
        $t =~ s/(\bOPERATOR\s*\(\s*pg_catalog\s*\.\s*[^\s)]+\s*\))/my $m = $1; $m =~ s![^\n]! !g; $m/gie;
        my $at = sub { my ($pos) = @_; return $base + (substr($t, 0, $pos) =~ tr/\n//); };
        while ($t =~ /(^|[^\w.\@])([A-Za-z_]\w*)\s*\(/g) {
            my $name = lc $2;
            next if $keyword{$name};
            finding($file, $at->(pos($t)), "$what calls $2(...) without a schema: write pg_catalog.$2 (or \@extschema\@.$2 for our own)");
        }
        while ($t =~ /\b(\w+)\s*\.\s*(\w+)\s*\(/g) {
            my ($schema, $name) = (lc $1, $2);
            next if $schema eq 'pg_catalog';
            finding($file, $at->(pos($t)), "$what calls $1.$name(...): only pg_catalog. and \@extschema\@. are safe here");
        }
        while ($t =~ /\bEXECUTE\b/gi) {
            finding($file, $at->(pos($t)), "$what runs dynamic SQL (EXECUTE)");
        }
        my $u = $t;
        # assignment, cast, declarations, RAISE ... USING option =, SELECT *:
        # blanked out keeping the length, so that positions still count lines
        my $blank = sub { my ($m) = @_; $m =~ s/[^\n]/ /g; return $m; };
        $u =~ s/(:=|::)/$blank->($1)/ge;
        $u =~ s/(%(?:ROW)?TYPE\b)/$blank->($1)/gie;
        $u =~ s/(\b(?:DETAIL|HINT|MESSAGE|ERRCODE|COLUMN|CONSTRAINT|DATATYPE|TABLE|SCHEMA)\s*=)/$blank->($1)/gie;
        $u =~ s/((?:\(|\bSELECT|,)\s*\*)/$blank->($1)/gie;
        while ($u =~ /([-+*\/<>=~!\@#%^&|`?]+)/g) {
            my $op = $1;
            next if $op eq '@';                # @extschema@ is substituted before parsing
            finding($file, $at->(pos($u)), "$what uses the operator $op unqualified: write OPERATOR(pg_catalog.$op)");
        }
    }
}

for my $file (@scripts) {
    my @p = pieces(slurp($file));
    for my $i (0 .. $#p) {
        my ($kind, $text, $line) = @{$p[$i]};
        if ($kind eq 'dollar') {
            # a body runs when it belongs to DO or to a function whose
            # language is not C or internal
            my ($before, $after) = ('', '');
            for (my $j = $i - 1; $j >= 0; $j--) {
                next unless $p[$j][0] eq 'code';
                if ($p[$j][1] =~ /;([^;]*)$/) { $before = $1 . $before; last; }
                $before = $p[$j][1] . $before;
            }
            for my $j ($i + 1 .. $#p) {
                next unless $p[$j][0] eq 'code';
                if ($p[$j][1] =~ /^([^;]*);/) { $after .= $1; last; }
                $after .= $p[$j][1];
            }
            if ($before =~ /^\s*DO\b/i) {
                check_body($file, $line, $text, 'a DO block');
            } elsif ("$before $after" !~ /\bLANGUAGE\s+(?:C|internal)\b/i) {
                check_body($file, $line, $text, 'a function body');
            }
            next;
        }
        next unless $kind eq 'code';
        my $t = $text;
        my $lines_before = sub { my ($pos) = @_; return $line + (substr($t, 0, $pos) =~ tr/\n//); };
        while ($t =~ /\bCREATE\s+OR\s+REPLACE\b/gi) {
            finding($file, $lines_before->(pos($t)), "CREATE OR REPLACE could take over an object the database owner created first");
        }
        while ($t =~ /\bBEGIN\s+ATOMIC\b/gi) {
            finding($file, $lines_before->(pos($t)), "a BEGIN ATOMIC body: check it as code that runs, then teach this lint");
        }
        while ($t =~ /(^|[^\w.\@])([A-Za-z_]\w*)\s*\(/g) {
            my $name = lc $2;
            next if $keyword{$name} || $own{$name};
            finding($file, $lines_before->(pos($t)), "$2(...) is not the extension's own: write pg_catalog.$2");
        }
        while ($t =~ /\b(RESTRICT|JOIN)\s*=\s*([\w.]+)/gi) {
            my ($what, $name) = ($1, $2);
            next if $name =~ /^pg_catalog\./i;
            next if $own{lc $name};
            finding($file, $lines_before->(pos($t)), "$what = $name: write pg_catalog.$name");
        }
        while ($t =~ /\bDEFAULT\s+(?!FOR\b)(\S[^,)]*)/gi) {
            my $d = $1;
            my $pos = pos($t);
            # a constant: a number, NULL or true/false here; a string literal
            # is a piece of its own, followed by nothing but a cast
            next if $d =~ /^(?:-?[\d.]+|NULL|true|false)\s*(?:::\s*[\w\[\] ]+)?\s*$/i;
            next if $d =~ /^\s*$/;
            finding($file, $lines_before->($pos), "DEFAULT $d is not a constant");
        }
    }
    # DEFAULT followed by a string literal: only a cast may follow it
    for my $i (0 .. $#p - 2) {
        next unless $p[$i][0] eq 'code' && $p[$i][1] =~ /\bDEFAULT\s*$/i && $p[$i + 1][0] eq 'string';
        my $rest = $p[$i + 2][1];
        next if $rest =~ /^\s*(?:::\s*[\w\[\] ]+)?\s*[,)]/;
        finding($file, $p[$i + 1][2], "DEFAULT $p[$i + 1][1]$rest is not a constant");
    }
}

for my $f (sort { $a->[0] cmp $b->[0] || $a->[1] <=> $b->[1] } @findings) {
    print "$f->[0]:$f->[1]: $f->[2]\n";
}
if (@findings) {
    printf "lint_scripts: %d finding(s) in %s\n", scalar @findings, join(' ', @scripts);
    exit 1;
}
printf "lint_scripts: %d script(s) checked, every call and operator in them qualified\n", scalar @scripts;
exit 0;
