#!/usr/bin/env perl
# The documentation's examples, run as written: every ```sql block of the
# given Markdown pages runs in psql, in page order, in a fresh database of
# its own per page (with the extension created); a block followed by an
# ```output block must print exactly that (psql's aligned format, errors
# included; trailing spaces ignored), and a block without one must run
# without an error.  A page that reads the sample district says so with
# <!-- doctest: sample --> (demo/load.sql is loaded into its database
# first); a page on the warehouse layer says <!-- doctest: ods --> (its
# database is then an Ed-Fi ODS with the Grand Bend sample loaded and the
# competency layer installed, as make demo builds grandbend_ods).  Run
# inside the cluster of test/with_cluster.sh (PG* set).
#
#   perl test/doc_examples.pl README.md docs/*.md
use strict;
use warnings;

my ($pages, $examples, $compared, @failures) = (0, 0, 0);
my $marker = '@@doc_examples block ';

for my $page (@ARGV) {
    open my $fh, '<', $page or die "doc_examples: cannot read $page: $!\n";
    my @lines = <$fh>;
    close $fh;
    my (@blocks, $sample, $ods);
    for (my $i = 0; $i < @lines; $i++) {
        $sample = 1 if $lines[$i] =~ /<!--\s*doctest:\s*sample\s*-->/;
        $ods = 1 if $lines[$i] =~ /<!--\s*doctest:\s*ods\s*-->/;
        next unless $lines[$i] =~ /^```sql\s*$/;
        my $start = $i + 1;
        my $sql = '';
        for ($i++; $i < @lines && $lines[$i] !~ /^```\s*$/; $i++) { $sql .= $lines[$i]; }
        my $block = { line => $start, sql => $sql };
        # an output block right after it (blank lines between allowed)
        my $j = $i + 1;
        $j++ while $j < @lines && $lines[$j] =~ /^\s*$/;
        if ($j < @lines && $lines[$j] =~ /^```output\s*$/) {
            my $out = '';
            for ($j++; $j < @lines && $lines[$j] !~ /^```\s*$/; $j++) { $out .= $lines[$j]; }
            $block->{expected} = $out;
            $i = $j;
        }
        push @blocks, $block;
    }
    next unless @blocks;
    $pages++;
    (my $db = "doc_examples_$pages") =~ s/\W/_/g;
    system('psql', '-X', '-q', '-d', 'postgres', '-c', 'SET client_min_messages = warning',
           '-c', "DROP DATABASE IF EXISTS $db", '-c', "CREATE DATABASE $db") == 0
        or die "doc_examples: cannot create database $db\n";
    if ($ods) {
        # the ODS from its DDL, the sample's XML, the derived rosters, the layer
        local $ENV{PGDATABASE} = $db;
        system("./demo/create_ods.sh >/dev/null && ./warehouse/edfi_xml_load.sh demo/data/edfi-grandbend/*.xml >/dev/null"
               . " && psql -X -q -v ON_ERROR_STOP=1 -f demo/ods_rosters.sql >/dev/null"
               . " && psql -X -q -v ON_ERROR_STOP=1 -f warehouse/competency_layer.sql >/dev/null") == 0
            or die "doc_examples: $page: could not build the Ed-Fi ODS in $db\n";
    }
    my $script = "SET client_min_messages = warning;\nCREATE EXTENSION IF NOT EXISTS competency;\nRESET client_min_messages;\n";
    $script .= "\\set QUIET on\n\\i demo/load.sql\n\\set QUIET off\n" if $sample;
    for my $k (0 .. $#blocks) {
        $script .= "\\echo '$marker$k'\n$blocks[$k]{sql}";
        $script .= "\n" unless $script =~ /\n$/;
    }
    $script .= "\\echo '${marker}end'\n";
    my $file = "/tmp/doc_examples.$$.sql";
    open my $out, '>', $file or die "doc_examples: cannot write $file: $!\n";
    print $out $script;
    close $out;
    my $output = `psql -X -q -d $db -v ON_ERROR_STOP=0 -v VERBOSITY=default -f $file 2>&1`;
    unlink $file;
    $output =~ s/^psql:\Q$file\E:\d+: //mg;    # psql names the script before each error
    my @parts = split /^\Q$marker\E(\d+|end)\n/m, $output;
    my %printed;
    shift @parts;                                # what came before the first block
    while (@parts) {
        my ($k, $text) = splice @parts, 0, 2;
        $printed{$k} = $text;
    }
    for my $k (0 .. $#blocks) {
        my $b = $blocks[$k];
        my $got = defined $printed{$k} ? $printed{$k} : "(nothing: the page's script stopped before this block)\n";
        $examples++;
        if (defined $b->{expected}) {
            $compared++;
            if (normal($got) ne normal($b->{expected})) {
                push @failures, "$page:$b->{line}: the example prints\n" . indent($got) . "where the page shows\n" . indent($b->{expected});
            }
        }
        elsif ($got =~ /^(ERROR|FATAL|PANIC):/m) {
            push @failures, "$page:$b->{line}: the example fails:\n" . indent($got);
        }
    }
    system('psql', '-X', '-q', '-d', 'postgres', '-c', "DROP DATABASE IF EXISTS $db");
}

sub normal {
    my ($t) = @_;
    $t =~ s/[ \t]+$//mg;
    $t =~ s/\n+\z/\n/;
    $t =~ s/\A\n+//;
    return $t;
}

sub indent { my ($t) = @_; $t =~ s/^/    /mg; return $t; }

if (@failures) {
    print STDERR "doc_examples: FAILED: ", scalar(@failures), " of $examples examples in $pages pages\n";
    print STDERR "$_\n" for @failures;
    exit 1;
}
print "doc_examples: $examples examples in $pages pages ran as written; $compared printed exactly what the page shows\n";
