function Read-KmsAuditLog {
    <#
    .SYNOPSIS
    The entries of an audit log, in order; a log that is missing, too large, or has a line that is not JSON stops the call and restores nothing.

    .DESCRIPTION
    The module reads the log only to choose what to restore and ask about it.
    kmsdb reads it again, validating every line against its schema, and
    checks each backup against the hash the log records.
    #>
    [CmdletBinding()]
    [OutputType([psobject])]
    param(
        [Parameter(Mandatory)]
        [string] $Path,

        [Parameter(Mandatory)]
        [System.Management.Automation.PSCmdlet] $Cmdlet
    )
    # kmsdb refuses a larger log (AUDIT_LOG_LIMIT in src/safety/audit.ts).
    $limit = 256MB
    $found = Invoke-KmsProbe -ArgumentList @($Path, $limit) -ScriptBlock {
        param($Path, $Limit)
        try {
            $file = Get-Item -LiteralPath $Path -Force -ErrorAction Stop
            if ($file -isnot [System.IO.FileInfo]) { return 'is not a file' }
            if ($file.Length -gt $Limit) { return ('is larger than {0} MiB; split it and restore from each part' -f ($Limit / 1MB)) }
            $entries = [System.Collections.Generic.List[object]]::new()
            $number = 0
            foreach ($line in [System.IO.File]::ReadLines($file.FullName, [System.Text.Encoding]::UTF8)) {
                $number++
                if ($line.Trim() -eq '') { continue }
                try { $entries.Add(($line | ConvertFrom-Json -ErrorAction Stop)) } catch { return ('line {0} is not JSON' -f $number) }
            }
            return , $entries
        } catch {
            return $_.Exception.Message
        }
    }
    if ($found -is [string]) {
        Write-KmsError -Cmdlet $Cmdlet -Message ('The audit log {0} {1}; nothing was restored.' -f $Path, $found) -ErrorId 'KmsAuditLogInvalid' -Category InvalidData -TargetObject $Path -Terminating
    }
    $found
}
