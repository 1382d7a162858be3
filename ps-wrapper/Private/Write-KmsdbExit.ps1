function Write-KmsdbExit {
    <#
    .SYNOPSIS
    Turns how a kmsdb run ended into errors of the calling cmdlet.

    .DESCRIPTION
    kmsdb reports the exit code it chose as its last stderr line. An exit it did not report is a
    failure whatever its code: a crash (0xC0000005), a DLL that would not load (0xC0000135,
    0xC0000139), a start that failed (0xC0000142), a kill by security software, or an exit 1 from
    outside kmsdb's own handler. Negative Windows codes are no success either. Then every record
    that got no answer gets a KmsdbFailed error of its own, naming the code in hex and what kmsdb
    wrote on stderr.

    Reported codes: 0 is success; 1 means some records were refused, which their results report;
    2, 3 and 4 are errors of the whole call; 70 (a defect of kmsdb) and 74 (its output could not be
    written) end as KmsdbFailed. src/cli/errors.ts holds the table of codes.
    #>
    [CmdletBinding()]
    param(
        [Parameter(Mandatory)]
        [System.Management.Automation.PSCmdlet] $Cmdlet,

        [int] $Code,

        # Why kmsdb could not be started at all, instead of an exit code.
        [string] $NotStarted,

        [AllowNull()]
        [object] $Reported,

        # Which failure of its code kmsdb reported, where it tells several apart.
        [AllowNull()]
        [string] $Reason,

        [AllowEmptyCollection()]
        [string[]] $Messages = @(),

        [object] $TargetObject,

        [AllowEmptyCollection()]
        [object[]] $Unanswered = @()
    )

    # kmsdb names its own options; a cmdlet's user is told the parameter that sets each one.
    $restore = $Cmdlet.MyInvocation.MyCommand.Name -eq 'Restore-KmsEnrollment'
    $names = @{
        '--path' = '-Path'; '--log' = '-LogPath'; '--from-log' = '-LogPath'; '--wait' = '-LockTimeout'; '--id' = '-Id'; '--mailbox' = '-Mailbox'
        '--backup-dir' = $(if ($restore) { '-BackupFolder' } else { '-BackupPath' }); '--backup' = '-BackupPath'; '--force' = '-AllowChangedSinceReset'
        '--allow-numscerts' = '-AllowNumSCerts'; '--allow-ambiguous' = '-AllowAmbiguous'; '--config' = 'the settings file'
    }
    $text = (@($Messages) | ForEach-Object {
            $line = $_ -replace '^kmsdb: ', '' -replace " See 'kmsdb( [a-z]+)? --help'\.$", '' -replace '^(get|reset|restore): ', ''
            # Without its command's prefix, kmsdb's line is a sentence of its own ("the audit log X cannot be read").
            if ($line -cmatch '^[a-z]') { $line = $line.Substring(0, 1).ToUpperInvariant() + $line.Substring(1) }
            [regex]::Replace($line, '--[a-z][a-z-]*', { param($m) if ($names.ContainsKey($m.Value)) { $names[$m.Value] } else { $m.Value } })
        }) -join ' '
    $byKmsdb = ($null -ne $Reported) -and ([int]$Reported -eq $Code)

    if ($byKmsdb -and $Code -ge 2 -and $Code -le 4) {
        if (-not $text) { $text = "kmsdb exited with code $Code." }
        if ($Reason -eq 'audit-log-invalid') {
            Write-KmsError -Cmdlet $Cmdlet -Message $text -ErrorId 'KmsAuditLogInvalid' -Category 'InvalidData' -TargetObject $TargetObject -Terminating
        }
        if ($Reason -eq 'database-not-given') {
            Write-KmsError -Cmdlet $Cmdlet -Message $text -ErrorId 'KmsDatabaseNotGiven' -Category 'InvalidArgument' -ExceptionType 'System.ArgumentException' -TargetObject $TargetObject -RecommendedAction 'Pass -Path with the database folder, or name it in the settings file (about_KmsEnrollment, THE SETTINGS FILE).'
            return
        }
        switch ($Code) {
            2 { Write-KmsError -Cmdlet $Cmdlet -Message $text -ErrorId 'KmsdbBadRequest' -Category 'InvalidArgument' -ExceptionType 'System.ArgumentException' -TargetObject $TargetObject }
            3 {
                # kmsdb says when the path does not exist; any other exit 3 is a database that cannot be read or locked.
                if ($Reason -eq 'database-not-found') { Write-KmsError -Cmdlet $Cmdlet -Message $text -ErrorId 'KmsDatabaseNotFound' -Category 'ObjectNotFound' -ExceptionType 'System.IO.DirectoryNotFoundException' -TargetObject $TargetObject }
                else { Write-KmsError -Cmdlet $Cmdlet -Message $text -ErrorId 'KmsDatabaseUnavailable' -Category 'ResourceUnavailable' -ExceptionType 'System.IO.IOException' -TargetObject $TargetObject }
            }
            4 { Write-KmsError -Cmdlet $Cmdlet -Message $text -ErrorId 'KmsDatabaseLocked' -Category 'ResourceBusy' -TargetObject $TargetObject }
        }
        return
    }
    if ($byKmsdb -and $Code -le 1 -and $Unanswered.Count -eq 0) { return }

    $hex = '0x{0:X8}' -f $Code
    if ($NotStarted) {
        $what = "kmsdb could not be started (security software, AppLocker or WDAC, or access rights may block it): $NotStarted"
        $text = ''
    } elseif ($byKmsdb) {
        $what = "kmsdb failed (exit code $Code)"
    } else {
        $what = "kmsdb ended without reporting its result (exit code $hex, $Code): it crashed, could not start, or was stopped by another program"
    }
    if ($text) { $what = "${what}: $text" } elseif (-not $NotStarted) { $what = "$what, and wrote nothing on stderr." }
    if ($Unanswered.Count -eq 0) {
        Write-KmsError -Cmdlet $Cmdlet -Message $what -ErrorId 'KmsdbFailed' -Category 'NotSpecified' -TargetObject $TargetObject
        return
    }
    foreach ($target in $Unanswered) {
        Write-KmsError -Cmdlet $Cmdlet -Message "No result for this record. $what" -ErrorId 'KmsdbFailed' -Category 'NotSpecified' -TargetObject $target
    }
}
