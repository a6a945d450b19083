<?php
/**
 * tests/webmail/horde-php8.php — PHP's auto_prepend_file for Horde in the test
 * stack (with-webmail.sh copies it to STATE/horde/php8.php). Debian 12 ships
 * Horde 5.2 / IMP 6.2.27 unpatched for its own PHP 8.2; these are the breaks
 * met on the pages the tests use. The installed files stay as they are.
 */

/* each() was removed in PHP 8. IMP still calls it to list a mailbox that is
 * not empty (lib/Ajax/Application/ListMessages.php, Basic/Mailbox.php,
 * Minimal/Mailbox.php: "Call to undefined function each()", a fatal error
 * in the dynamic view's message list) and to render a message
 * (lib/Contents.php, Mime/Viewer/Plain.php). PHP 7's behaviour. */
if (!function_exists('each')) {
    function each(array &$array)
    {
        $key = key($array);
        if ($key === null) {
            return false;
        }
        $value = current($array);
        next($array);
        return array(1 => $value, 'value' => $value, 0 => $key, 'key' => $key);
    }
}

/* Classes loaded from a patched copy of their source, before Horde's own
 * autoloader looks for them: class => [file, [search => replace, ...]].
 * A patch that no longer applies (package updated) is a fatal error, not a
 * silent no-op. */
spl_autoload_register(function ($class) {
    static $patches = array(
        /* has(null) does `new ReflectionMethod($this, null)`: a ValueError
         * on PHP 8 (a ReflectionException before). IMP's dynamic compose page
         * (imp/dynamic.php?page=compose) asks it and died with "A fatal error
         * has occurred". */
        'Horde_Core_Ajax_Application_Handler' => array(
            '/usr/share/php/Horde/Core/Ajax/Application/Handler.php',
            array('} catch (ReflectionException $e) {' => '} catch (ReflectionException | ValueError $e) {'),
        ),
    );
    if (!isset($patches[$class])) {
        return;
    }
    list($file, $replacements) = $patches[$class];
    $source = file_get_contents($file);
    foreach ($replacements as $search => $replace) {
        if (strpos($source, $search) === false) {
            throw new Error("tests/webmail/horde-php8.php: the patch of $file does not apply any more");
        }
        $source = str_replace($search, $replace, $source);
    }
    eval('?>' . $source);
}, true, true);
