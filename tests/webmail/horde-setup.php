<?php
/**
 * tests/webmail/horde-setup.php — run by with-webmail.sh (as root, inside its
 * private mount namespace, where the state folder's Horde config dirs are
 * bind-mounted over /etc/horde/horde and /etc/horde/imp).
 *
 * 1. Writes horde/conf.php and imp/conf.php with every default of the
 *    packages' conf.xml (what Horde's admin config UI would write; that UI's
 *    Horde_Form does not load on PHP 8.2). with-webmail.sh's own settings are
 *    in conf.local.php, which Horde reads after conf.php.
 * 2. Creates Horde's and IMP's tables in the SQLite DB named by
 *    $conf['sql'] (what horde-db-migrate does), with SQLite's syncs off for
 *    this one connection: the ~100 migrations take 3.5 s with fsyncs, 0.3 s
 *    without.
 *
 * Usage: php horde-setup.php   (prints nothing on success; exit 1 on failure)
 */

require_once '/usr/share/horde/lib/Application.php';
Horde_Registry::appInit('horde', array(
    'authentication' => 'none',
    'cli' => true,
    'nocompress' => true,
));

/* What Horde_Config_Form does with $fillvars = true: every setting at its
 * default (for a switch, the default case and its own settings). */
function tessera_fill(Horde_Variables $vars, array $config, $prefix = '')
{
    foreach ($config as $name => $item) {
        if (!is_array($item) || isset($item['tab'])) {
            continue;
        }
        $path = ($prefix === '') ? $name : $prefix . '|' . $name;
        $var = str_replace('|', '__', $path);
        if (isset($item['switch'])) {
            $default = isset($item['default']) ? $item['default'] : null;
            if (is_bool($default)) {
                $default = $default ? 'true' : 'false';
            }
            $vars->set($var, $default);
            if (isset($item['switch'][$default])) {
                tessera_fill($vars, $item['switch'][$default]['fields'], $prefix);
            }
        } elseif (isset($item['_type'])) {
            if (!isset($item['default'])) {
                continue;
            }
            switch ($item['_type']) {
            case 'boolean':
                if ($item['default']) {
                    $vars->set($var, 'on');
                }
                break;
            case 'int':
                $vars->set($var, (string)$item['default']);
                break;
            default:
                $vars->set($var, $item['default']);
            }
        } else {
            tessera_fill($vars, $item, $path);
        }
    }
}

foreach (array('horde', 'imp') as $app) {
    $config = new Horde_Config($app);
    $vars = new Horde_Variables();
    tessera_fill($vars, $config->readXMLConfig());
    $php = $config->generatePHPConfig($vars);
    $file = $config->configFile();
    if (file_put_contents($file, $php) === false) {
        fwrite(STDERR, "horde-setup: cannot write $file\n");
        exit(1);
    }
}

$db = $injector->getInstance('Horde_Db_Adapter');
$db->execute('PRAGMA synchronous = OFF');
$db->execute('PRAGMA journal_mode = MEMORY');
$migration = new Horde_Core_Db_Migration();
/* Twice, as horde-db-migrate and Horde_Core_Bundle do: some migrations depend
 * on others' tables. */
for ($i = 0; $i < 2; $i++) {
    $error = null;
    foreach ($migration->apps as $app) {
        $migrator = $migration->getMigrator($app);
        if ($migrator->getTargetVersion() <= $migrator->getCurrentVersion()) {
            continue;
        }
        try {
            $migrator->up();
        } catch (Exception $e) {
            $error = $e;
        }
    }
    if (!$error) {
        break;
    }
}
if ($error) {
    fwrite(STDERR, 'horde-setup: DB migration failed: ' . $error->getMessage() . "\n");
    exit(1);
}
